namespace OneClickMlflow.Google
{
    /// <summary>The clients of the serving layer (App Engine, and the tokens IAP accepts).</summary>
    public sealed partial class GoogleCloudSession
    {
        public AppEngineClient AppEngine => new AppEngineClient(Pipeline, Endpoints);

        public IamCredentialsClient IamCredentials => new IamCredentialsClient(Pipeline, Endpoints);
    }
}
