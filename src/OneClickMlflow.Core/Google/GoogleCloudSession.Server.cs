namespace OneClickMlflow.Google
{
    /// <summary>The clients of the serving layer (App Engine, IAP, and the tokens IAP accepts).</summary>
    public sealed partial class GoogleCloudSession
    {
        public AppEngineClient AppEngine => new AppEngineClient(Pipeline, Endpoints, Operations);

        public IapClient Iap => new IapClient(Pipeline, Endpoints);

        public IamCredentialsClient IamCredentials => new IamCredentialsClient(Pipeline, Endpoints);
    }
}
