using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using OneClickMlflow.Images;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The module's own server image, published into the deployment's Artifact Registry repository by
    /// <see cref="ImagePublisher"/>. Observing asks the registry only whether the content tag is there, so a plan or
    /// -WhatIf never builds; unchanged content is neither built nor pushed. With <see cref="KeepServing"/> (no -Image
    /// and no -RebuildImage) a deployment that serves a version keeps that version's image and builds nothing.
    /// </summary>
    public sealed class PublishedImageResource : ServerImageResource
    {
        private readonly ImagePublishRequest request;
        private readonly ImagePublisherOptions options;
        private string? tag;
        private ServerImageReference? image;
        private readonly ApiEndpoints endpoints;
        private string? unreachable;
        private string? servingVersionId;

        /// <summary>Where the deployment's serving version is found, when its image is kept rather than replaced.</summary>
        public ServerServiceLocator? KeepServing { get; set; }

        /// <param name="endpoints">The session's: while Artifact Registry is redirected away from Google, Google's registries are never contacted.</param>
        public PublishedImageResource(ImagePublishRequest request, ImagePublisherOptions options, ArtifactRepositoryResource repository,
            ApiEndpoints endpoints)
            : base(request.ImageRepository, repository)
        {
            this.request = request;
            this.options = options;
            this.endpoints = endpoints;
        }

        public override ServerImageReference? Image => image;

        protected override bool Exists => image != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "artifactregistry.repositories.downloadArtifacts" },
            create: new[] { "artifactregistry.repositories.uploadArtifacts" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var serving = KeepServing == null ? null : (await KeepServing.ObserveAsync(cancellationToken).ConfigureAwait(false)).ServingOwnVersion;
            var servingImage = serving == null ? null : ServerVersionSpec.ImageOf(serving);
            servingVersionId = servingImage == null ? null : serving!.Id;
            if (servingImage != null)
            {
                image = servingImage;
                return;
            }
            RegistryReach.EnsureReachable(request.RegistryHost, endpoints, "Image");
            tag = ContentTag.Compute(request.ContextDirectory, new Dictionary<string, string>(request.BuildArguments), request.MlflowVersion,
                request.Platform);
            var http = options.RegistryHttpClient ?? new HttpClient();
            try
            {
                var digest = await new RegistryClient(http, options.AccessToken)
                    .ManifestDigestAsync(request.RegistryHost, request.RepositoryPath, tag, cancellationToken).ConfigureAwait(false);
                image = digest == null ? null : ServerImageReference.FromDigest(request.ImageRepository, digest);
                unreachable = null;
            }
            catch (ImagePublishException e) when (e.HttpStatus == 0)
            {
                // A plan (or -WhatIf) still shows what would happen; publishing reports the failure if it persists.
                image = null;
                unreachable = e.Message;
            }
            finally
            {
                if (options.RegistryHttpClient == null)
                {
                    http.Dispose();
                }
            }
        }

        public override PlannedChange Plan() => servingVersionId != null
            ? Unchanged($"keeps {image!.Reference}, the image version {servingVersionId} serves (-RebuildImage or -Image for another)")
            : image != null
            ? Unchanged($"{request.ImageName}:{tag} is in the registry")
            : Create($"build {request.ImageName}:{tag} with the local Docker engine and push it" + (unreachable == null ? "" : $" ({unreachable})"),
                new Dictionary<string, string> { ["image"] = $"{request.ImageRepository}:{tag}" });

        public override PlannedChange PlanRemoval() => Unchanged("kept with the image repository");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            context.ReportProgress($"building and pushing {request.ImageName}:{tag}");
            var result = await new ImagePublisher(options).PublishAsync(request, context.CancellationToken).ConfigureAwait(false);
            image = ServerImageReference.FromDigest(result.Repository, result.Digest);
        }
    }
}
