namespace OneClickMlflow.Deployment
{
    /// <summary>A VPC network, by project and name, as -NetworkName resolved it.</summary>
    public sealed class NetworkReference
    {
        public NetworkReference(string projectId, string name)
        {
            ProjectId = projectId;
            Name = name;
        }

        public string ProjectId { get; }
        public string Name { get; }

        /// <summary>"projects/{project}/global/networks/{name}", the form Compute and Cloud SQL accept.</summary>
        public string RelativeName => $"projects/{ProjectId}/global/networks/{Name}";

        public override string ToString() => RelativeName;
    }
}
