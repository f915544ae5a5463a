namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>The image the server version runs, pinned by digest once known.</summary>
    public abstract class ServerImageResource : Resource
    {
        protected ServerImageResource(string name, params Resource[] dependsOn)
            : base("server-image", "Server image", name, dependsOn)
        {
        }

        /// <summary>Null until known (Get-MlflowDeployment: whatever the serving version runs).</summary>
        public abstract ServerImageReference? Image { get; }
    }
}
