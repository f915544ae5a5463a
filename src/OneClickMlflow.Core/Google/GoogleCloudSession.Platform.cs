namespace OneClickMlflow.Google
{
    /// <summary>The clients of the platform layer (network, private services access, bucket, service accounts, image repository).</summary>
    public sealed partial class GoogleCloudSession
    {
        // Clients hold no state of their own beyond the shared pipeline, so a new one per use costs nothing.
        public ComputeClient Compute => new ComputeClient(Pipeline, Endpoints, Operations);

        public ServiceNetworkingClient ServiceNetworking => new ServiceNetworkingClient(Pipeline, Endpoints, Operations);

        public StorageClient Storage => new StorageClient(Pipeline, Endpoints);

        public IamClient Iam => new IamClient(Pipeline, Endpoints);

        public ArtifactRegistryClient ArtifactRegistry => new ArtifactRegistryClient(Pipeline, Endpoints, Operations);
    }
}
