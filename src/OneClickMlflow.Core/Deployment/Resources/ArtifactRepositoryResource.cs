using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The Docker repository in Artifact Registry that holds the server image, in the deployment's region and with
    /// its label. A label removed behind the deployment's back is put back (other labels stay); a repository of
    /// another format under the same name is refused. A removal deletes it with its images (they can be built again).
    /// </summary>
    public sealed class ArtifactRepositoryResource : Resource
    {
        private readonly ArtifactRegistryClient registry;
        private readonly string projectId;
        private readonly string location;
        private readonly IReadOnlyDictionary<string, string> labels;
        private ArtifactRepository? live;

        public ArtifactRepositoryResource(ArtifactRegistryClient registry, string projectId, string location, string repositoryId,
            IReadOnlyDictionary<string, string> labels, Resource apis)
            : base("image-repository", "Artifact Registry repository", repositoryId, apis)
        {
            this.registry = registry;
            this.projectId = projectId;
            this.location = location;
            this.labels = labels;
        }

        public string ProjectId => projectId;

        public string Location => location;

        /// <summary>Where images go: <c>{location}-docker.pkg.dev/{project}/{repository}</c> (as the API reports it once it exists).</summary>
        public string RegistryUri => live?.RegistryUri ?? $"{location}-docker.pkg.dev/{projectId.Replace(':', '/')}/{Name}";

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "artifactregistry.repositories.get", "appengine.services.list", "appengine.versions.list" },
            create: new[] { "artifactregistry.repositories.create" },
            update: new[] { "artifactregistry.repositories.update" },
            delete: new[] { "artifactregistry.repositories.delete" });

        /// <summary>Set by the graph: the App Engine versions of the project, to keep images another deployment runs.</summary>
        internal ServerServiceLocator? Locator { get; set; }

        private IReadOnlyList<ServiceVersion> othersRunningImages = Array.Empty<ServiceVersion>();

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            live = await registry.GetRepositoryAsync(projectId, location, Name, cancellationToken).ConfigureAwait(false);
            othersRunningImages = live == null || Locator == null
                ? Array.Empty<ServiceVersion>()
                : (await Locator.ObserveAsync(cancellationToken).ConfigureAwait(false)).OthersVersions
                    .Where(v => v.Version.Deployment?.Container?.Image?.StartsWith(RegistryUri + "/", StringComparison.Ordinal) == true)
                    .ToList();
        }

        public override PlannedChange Plan()
        {
            if (live == null)
            {
                return Create("does not exist", new Dictionary<string, string>
                {
                    ["format"] = ArtifactRegistryClient.DockerFormat,
                    ["location"] = location,
                    ["labels"] = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")),
                });
            }

            RefuseOtherFormat(live);

            var drift = LabelDrift();
            return drift.Count == 0
                ? Unchanged("exists as wanted")
                : Update(string.Join("; ", drift.Select(d => $"label {d.Key} is {d.Value.Actual}, want {d.Value.Wanted}")),
                    drift.ToDictionary(d => "labels." + d.Key, d => $"{d.Value.Actual} -> {d.Value.Wanted}"));
        }

        /// <summary>Deleted with its images, unless a version that is not the deployment's runs one of them (App Engine pulls it again for every new instance).</summary>
        public override PlannedChange PlanRemoval()
        {
            if (live == null)
            {
                return Unchanged("does not exist");
            }
            return othersRunningImages.Count > 0
                ? Unchanged("kept: " + string.Join(", ", othersRunningImages.Select(v => v.Owner).Distinct()) +
                            $" run{(othersRunningImages.Select(v => v.Owner).Distinct().Count() == 1 ? "s" : "")} an image from it " +
                            $"({string.Join(", ", othersRunningImages.Select(v => $"{v.ServiceId}/{v.Version.Id}"))})")
                : Delete("holds the server images");
        }

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => registry.DeleteRepositoryAsync(projectId, location, Name, cancellationToken)).ConfigureAwait(false);
                live = null;
                return;
            }

            await EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Makes the repository exist with its labels: its create, and also how a dependent restores it when it vanished
        /// during the run (a removal stopped half-way leaves its delete running, and Google finishes it later).
        /// </summary>
        internal async Task EnsureExistsAsync(CancellationToken cancellationToken)
        {
            live = await CreateOnce.EnsureAsync(
                registry, $"{Kind} '{Name}'",
                ct => registry.GetRepositoryAsync(projectId, location, Name, ct),
                ct => registry.CreateDockerRepositoryAsync(projectId, location, Name, labels,
                    "MLflow tracking server images (one-click-mlflow).", ct),
                cancellationToken).ConfigureAwait(false);
            if (LabelDrift().Count > 0)
            {
                var merged = new Dictionary<string, string>(live.Labels ?? new Dictionary<string, string>());
                foreach (var label in labels)
                {
                    merged[label.Key] = label.Value;
                }
                live = await registry.SetLabelsAsync(projectId, location, Name, merged, cancellationToken).ConfigureAwait(false);
            }
        }

        private void RefuseOtherFormat(ArtifactRepository repository)
        {
            if (!string.Equals(repository.Format, ArtifactRegistryClient.DockerFormat, StringComparison.Ordinal))
            {
                throw Refuse($"the repository holds {repository.Format} packages, not Docker images, and a repository's format " +
                             "cannot change. Choose another name.");
            }
        }

        private Dictionary<string, (string Actual, string Wanted)> LabelDrift()
        {
            var drift = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            foreach (var label in labels)
            {
                string? actual = null;
                if (live?.Labels?.TryGetValue(label.Key, out actual) != true || actual != label.Value)
                {
                    drift[label.Key] = (actual ?? "missing", label.Value);
                }
            }
            return drift;
        }
    }
}
