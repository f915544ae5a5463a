using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// roles/artifactregistry.reader for the server's account on the repository of the image it runs: App Engine
    /// pulls a version's image as the version's own service account, and without read access the version fails with
    /// an image pull error under flex_await_healthy (magic-modules PR 6391 and 13815; Artifact Registry's "Integrate
    /// with App Engine" docs). Granted on that one repository, in the deployment's project; an image in another
    /// project's repository must already be readable by the account, and is refused with the command that grants it.
    /// </summary>
    public sealed class ImageReadAccessResource : Resource
    {
        public const string ReaderRole = "roles/artifactregistry.reader";

        /// <summary>Roles of a repository that include downloadArtifacts.</summary>
        private static readonly string[] ReadingRoles =
        {
            ReaderRole, "roles/artifactregistry.writer", "roles/artifactregistry.repoAdmin", "roles/artifactregistry.admin",
            "roles/artifactregistry.createOnPushWriter", "roles/artifactregistry.createOnPushRepoAdmin",
        };

        private readonly ArtifactRegistryClient registry;
        private readonly string projectId;
        private readonly string region;
        private readonly ServerImageResource image;
        private readonly ArtifactRepositoryResource ownRepository;
        private readonly ServiceAccountResource server;
        private readonly ServerServiceLocator locator;
        private ServerImageReference? wantedImage;
        private ImageRepositoryLocation? repository;
        private bool repositoryExists;
        private bool granted;
        private bool policyUnreadable;

        private readonly IReadOnlyList<Resource> observesAfter;

        /// <param name="given">-Image as given (null: the module's own image, or the serving one): an image outside
        /// the project is checked at once, before the project's APIs are on, so a refusal comes before any change.</param>
        public ImageReadAccessResource(ArtifactRegistryClient registry, string projectId, string region, ServerImageResource image,
            ServerImageReference? given, ArtifactRepositoryResource ownRepository, ServiceAccountResource server, ServerServiceLocator locator,
            Resource apis)
            : base("image-read-access", "Repository IAM binding", ReaderRole, image, ownRepository, server, apis)
        {
            var givenRepository = given == null ? null : ImageRepositoryLocation.Of(given, region);
            observesAfter = given != null && givenRepository?.ProjectId != projectId ? new Resource[] { image } : new Resource[] { image, apis };
            this.registry = registry;
            this.projectId = projectId;
            this.region = region;
            this.image = image;
            this.ownRepository = ownRepository;
            this.server = server;
            this.locator = locator;
        }

        public override IReadOnlyList<Resource> ObservesAfter => observesAfter;

        protected override bool Exists => granted && IsOwnProject && !IsOwnRepository;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "artifactregistry.repositories.get", "artifactregistry.repositories.getIamPolicy" },
            update: new[] { "artifactregistry.repositories.setIamPolicy" },
            delete: new[] { "artifactregistry.repositories.setIamPolicy" });

        private bool IsOwnProject => repository?.ProjectId == projectId;

        private bool IsOwnRepository => IsOwnProject && repository!.Location == ownRepository.Location && repository.RepositoryId == ownRepository.Name;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            // Get-MlflowDeployment and removals want the image that serves now.
            wantedImage = image.Image ?? ServingImage(await locator.ObserveAsync(cancellationToken).ConfigureAwait(false));
            repository = wantedImage == null ? null : ImageRepositoryLocation.Of(wantedImage, region);
            repositoryExists = false;
            granted = false;
            policyUnreadable = false;
            if (repository == null)
            {
                return;
            }
            try
            {
                repositoryExists = await registry.GetRepositoryAsync(repository.ProjectId, repository.Location, repository.RepositoryId, cancellationToken)
                    .ConfigureAwait(false) != null;
                if (repositoryExists)
                {
                    var policy = await registry.GetRepositoryPolicyAsync(repository.ProjectId, repository.Location, repository.RepositoryId, cancellationToken)
                        .ConfigureAwait(false);
                    // A public repository (allUsers or allAuthenticatedUsers readers) is readable by the account too.
                    granted = ReadingRoles.Any(role => new[] { server.Member, "allUsers", "allAuthenticatedUsers" }.Any(m => policy.HasMember(role, m)));
                }
            }
            catch (GoogleCloudApiException e) when (IsOwnProject && e.IsNotFound)
            {
                // Gone between the two reads: a removal stopped half-way left its delete running, and Google finished it.
                repositoryExists = false;
            }
            catch (GoogleCloudApiException e) when (!IsOwnProject && (e.HttpStatus == 403 || e.IsNotFound))
            {
                // Another project's repository the caller may not read: whether the account can pull is unknown.
                policyUnreadable = true;
            }
        }

        public override PlannedChange Plan()
        {
            if (wantedImage == null)
            {
                return Unchanged("no server image yet");
            }
            if (repository == null)
            {
                throw Refuse($"App Engine pulls the server image as the server's account from Artifact Registry (or Container Registry, " +
                             $"which Artifact Registry serves), and {wantedImage} is in {wantedImage.RegistryHost}. Push it to a repository " +
                             $"of the project (Publish-MlflowImage, or docker push to {ownRepository.RegistryUri}/mlflow) and pass that -Image.");
            }
            if (granted)
            {
                return Unchanged($"{server.Member} may read {repository}");
            }
            if (!IsOwnProject)
            {
                throw Refuse($"the server account cannot read -Image {wantedImage}: its repository {repository} is in project " +
                             $"'{repository.ProjectId}', which this deployment does not change" +
                             (policyUnreadable ? " (and whose policy your credentials cannot read)" : "") + ". Grant it, then run again: " +
                             GrantCommand());
            }
            if (!repositoryExists && !IsOwnRepository)
            {
                throw Refuse($"-Image {wantedImage} names the repository {repository}, which does not exist: push the image there first, " +
                             "or pass an image of an existing repository.");
            }
            return Update($"{ReaderRole} not granted on {repository} to {server.Member}: App Engine pulls the image as that account",
                new Dictionary<string, string> { [server.Member] = ReaderRole, ["repository"] = repository.ResourceName });
        }

        /// <summary>The grant goes with the deployment's own repository; on another repository of the project it is revoked.</summary>
        public override PlannedChange PlanRemoval() =>
            Exists ? Delete($"{ReaderRole} granted on {repository} to {server.Member}")
            : Unchanged(IsOwnRepository ? "goes with the image repository" : "not granted on a repository the deployment may change");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var target = repository!;
            var editor = registry.RepositoryPolicyEditor(target.ProjectId, target.Location, target.RepositoryId);
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => editor.EditAsync(policy => policy.RemoveMember(ReaderRole, server.Member),
                    context.CancellationToken)).ConfigureAwait(false);
                return;
            }
            try
            {
                await editor.EditAsync(policy => policy.AddMember(ReaderRole, server.Member), context.CancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound && IsOwnRepository)
            {
                // The deployment's own repository vanished after it was read (a stopped removal's delete, finished by
                // Google since): make it again, as the plan had it, then grant.
                await ownRepository.EnsureExistsAsync(context.CancellationToken).ConfigureAwait(false);
                await editor.EditAsync(policy => policy.AddMember(ReaderRole, server.Member), context.CancellationToken).ConfigureAwait(false);
            }
        }

        private string GrantCommand() =>
            $"gcloud artifacts repositories add-iam-policy-binding {repository!.RepositoryId} --project {repository.ProjectId} " +
            $"--location {repository.Location} --member {server.Member} --role {ReaderRole}";

        private static ServerImageReference? ServingImage(ServerServiceState state) =>
            state.ServingOwnVersion == null ? null : ServerVersionSpec.ImageOf(state.ServingOwnVersion);
    }
}
