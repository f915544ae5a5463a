using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using OneClickMlflow.Images;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// An image named by -Image (or, for Get-MlflowDeployment, none: the serving one is wanted). Nothing to make.
    /// A digest is taken as given; a tag is pinned, read-only, to the digest the registry serves for it now, so the
    /// plan already names the digest and the version that follows from it.
    /// </summary>
    public sealed class GivenImageResource : ServerImageResource
    {
        private readonly ServerImageReference? given;
        private readonly bool required;
        private readonly Func<CancellationToken, Task<string>> accessToken;
        private readonly ApiEndpoints endpoints;
        private ServerImageReference? pinned;
        private bool tagMissing;

        /// <param name="required">False only when the serving version's image is wanted (Get-MlflowDeployment).</param>
        /// <param name="accessToken">A Google access token, the registry password for reading a tag's digest.</param>
        /// <param name="endpoints">The session's: while Artifact Registry is redirected away from Google, a tag is never looked up at Google's registries.</param>
        public GivenImageResource(ServerImageReference? image, bool required, Func<CancellationToken, Task<string>> accessToken, ApiEndpoints endpoints)
            : base(image?.ToString() ?? "the serving version's image")
        {
            this.endpoints = endpoints;
            given = image;
            pinned = image?.IsPinned == true ? image : null;
            this.required = required;
            this.accessToken = accessToken;
        }

        /// <summary>The image pinned by digest: as given, or as the registry served the given tag; null before that.</summary>
        public override ServerImageReference? Image => pinned;

        protected override bool Exists => false;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            if (given == null || given.IsPinned)
            {
                return;
            }
            RegistryReach.EnsureReachable(given, endpoints);
            using var http = new HttpClient();
            try
            {
                var digest = await new RegistryClient(http, RegistryPassword)
                    .ManifestDigestAsync(given.RegistryHost, given.Path, given.Tag!, cancellationToken).ConfigureAwait(false);
                pinned = digest == null ? null : given.WithDigest(digest);
                tagMissing = digest == null;
            }
            catch (ImagePublishException e)
            {
                throw new ImagePublishException(ImagePublishStage.Registry,
                    $"Cannot pin -Image {given} to its digest through the registry {given.RegistryHost}: {e.Message}", e)
                {
                    HttpStatus = e.HttpStatus,
                };
            }
        }

        public override PlannedChange Plan()
        {
            if (tagMissing)
            {
                throw Refuse($"the registry {given!.RegistryHost} has no tag '{given.Tag}' of {given.Path}: push it " +
                             "(Publish-MlflowImage, docker push) or pass a tag or digest it has.");
            }
            return pinned != null ? Unchanged(given!.IsPinned ? "given with -Image" : $"tag '{given.Tag}' is {pinned.Reference} in the registry")
                : required ? throw Refuse("no server image: pass -Image REGISTRY/PATH:TAG or REGISTRY/PATH@sha256:DIGEST, or run where the module can build its own image")
                : Unchanged("the image of the serving version");
        }

        public override PlannedChange PlanRemoval() => Unchanged("not the deployment's to remove");

        public override Task ApplyAsync(ResourceApplyContext context) => Task.CompletedTask;

        /// <summary>The Google token goes only to Google's registries (and a loopback one): never to a realm a foreign registry names.</summary>
        private Task<string> RegistryPassword(CancellationToken cancellationToken) =>
            IsGoogleRegistry(given!.RegistryHost)
                ? accessToken(cancellationToken)
                : throw new ImagePublishException(ImagePublishStage.Registry,
                    $"The registry {given.RegistryHost} asks for credentials, and Google credentials are sent only to Artifact Registry " +
                    "(*.pkg.dev) and Container Registry (gcr.io). Pass -Image by digest (REGISTRY/PATH@sha256:DIGEST).") { HttpStatus = 401 };

        internal static bool IsGoogleRegistry(string registryHost)
        {
            var host = registryHost.Split(':')[0];
            // Plain http is spoken only to a loopback registry, which is this machine's own.
            return host.EndsWith(".pkg.dev", StringComparison.Ordinal) || host == "gcr.io" || host.EndsWith(".gcr.io", StringComparison.Ordinal)
                   || RegistryClient.Scheme(registryHost) == "http";
        }
    }
}
