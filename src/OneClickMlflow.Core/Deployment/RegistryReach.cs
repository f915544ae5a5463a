using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Which Docker registries a session may talk to. Artifact Registry's Docker hosts (REGION-docker.pkg.dev) go with
    /// its API: when the artifactregistry endpoint is overridden to a host that is not Google's (an emulator), Google's
    /// real registries are not that environment's, so nothing is looked up or pushed there. Images pinned by digest
    /// need no registry call and are always accepted.
    /// </summary>
    public static class RegistryReach
    {
        /// <summary>
        /// Refuses, naming <paramref name="parameter"/>, a registry call New-MlflowDeployment or Publish-MlflowImage
        /// would make to one of Google's hosts while Artifact Registry is redirected away from Google.
        /// <paramref name="registryHost"/> null means the module's default, Artifact Registry in the region.
        /// </summary>
        public static void EnsureReachable(string? registryHost, ApiEndpoints endpoints, string parameter)
        {
            if (!endpoints.IsRedirectedAwayFromGoogle(GoogleApis.ArtifactRegistry) || (registryHost != null && !GoogleHosts.IsGoogle(registryHost)))
            {
                return;
            }
            var root = endpoints.RootOf(GoogleApis.ArtifactRegistry);
            var what = registryHost == null ? "Artifact Registry's own Docker host (REGION-docker.pkg.dev)" : $"the registry {registryHost}";
            var hint = parameter == "Image"
                ? "Pass -Image pinned by digest (REGISTRY/PATH@sha256:DIGEST), or an image in that environment's registry."
                : "Pass -RegistryHost with that environment's registry (HOST:PORT).";
            throw new InvalidDeploymentInputException(parameter,
                $"the Artifact Registry API is overridden to {root} (CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY or gcloud's " +
                $"api_endpoint_overrides/artifactregistry), so {what} is not this environment's registry and is never contacted. {hint}");
        }

        /// <summary>The same check for the server image: none (the module's own, pushed to Artifact Registry), or a tag to pin.</summary>
        public static void EnsureReachable(ServerImageReference? image, ApiEndpoints endpoints)
        {
            if (image == null || !image.IsPinned)
            {
                EnsureReachable(image?.RegistryHost, endpoints, "Image");
            }
        }
    }
}
