using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>google.devtools.artifactregistry.v1.Repository, the fields the deployment reads and sets.</summary>
    public sealed class ArtifactRepository
    {
        /// <summary>"projects/{p}/locations/{l}/repositories/{id}".</summary>
        public string? Name { get; set; }

        /// <summary>DOCKER, MAVEN, PYTHON, ...</summary>
        public string? Format { get; set; }

        public string? Mode { get; set; }

        public string? Description { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        /// <summary>Where images are pushed, e.g. "europe-west1-docker.pkg.dev/p/mlflow".</summary>
        public string? RegistryUri { get; set; }
    }

    /// <summary>Artifact Registry v1: the deployment's Docker repository.</summary>
    public sealed class ArtifactRegistryClient : GoogleApiClient
    {
        public const string DockerFormat = "DOCKER";

        private readonly OperationPoller poller;

        public ArtifactRegistryClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.ArtifactRegistry)
        {
            this.poller = poller;
        }

        public static string RepositoryPath(string projectId, string location, string repositoryId) =>
            $"projects/{Escape(projectId)}/locations/{Escape(location)}/repositories/{Escape(repositoryId)}";

        /// <summary>The repository, or null when there is none.</summary>
        public Task<ArtifactRepository?> GetRepositoryAsync(string projectId, string location, string repositoryId,
            CancellationToken cancellationToken) =>
            GetOrNullAsync<ArtifactRepository>(RepositoryPath(projectId, location, repositoryId), cancellationToken);

        /// <summary>Creates a standard Docker repository and waits for the operation (409 when it exists).</summary>
        public async Task CreateDockerRepositoryAsync(string projectId, string location, string repositoryId,
            IReadOnlyDictionary<string, string> labels, string description, CancellationToken cancellationToken)
        {
            var operation = await SendAsync<LongRunningOperation>(HttpMethod.Post,
                $"projects/{Escape(projectId)}/locations/{Escape(location)}/repositories?repositoryId={Escape(repositoryId)}",
                new ArtifactRepository
                {
                    Format = DockerFormat,
                    Mode = "STANDARD_REPOSITORY",
                    Description = description,
                    Labels = labels.ToDictionary(l => l.Key, l => l.Value),
                },
                RequestRetry.Never, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Deletes the repository with its images and waits for the operation; 404 when it is already gone.</summary>
        public async Task DeleteRepositoryAsync(string projectId, string location, string repositoryId, CancellationToken cancellationToken)
        {
            var operation = await SendAsync<LongRunningOperation>(HttpMethod.Delete, RepositoryPath(projectId, location, repositoryId),
                null, RequestRetry.ByMethod, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The repository's IAM policy: <c>GET ...repositories/{r}:getIamPolicy?options.requestedPolicyVersion=3</c>
        /// (no body; the generated client's query parameter).
        /// </summary>
        public Task<IamPolicy> GetRepositoryPolicyAsync(string projectId, string location, string repositoryId, CancellationToken cancellationToken) =>
            GetAsync<IamPolicy>(RepositoryPath(projectId, location, repositoryId) + ":getIamPolicy?options.requestedPolicyVersion=3", cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 409 ABORTED (use <see cref="RepositoryPolicyEditor"/>).</summary>
        public Task<IamPolicy> SetRepositoryPolicyAsync(string projectId, string location, string repositoryId, IamPolicy policy,
            CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, RepositoryPath(projectId, location, repositoryId) + ":setIamPolicy", new { policy },
                RequestRetry.Never, cancellationToken);

        public IamPolicyEditor RepositoryPolicyEditor(string projectId, string location, string repositoryId) => new IamPolicyEditor(
            Pipeline,
            ct => GetRepositoryPolicyAsync(projectId, location, repositoryId, ct),
            (policy, ct) => SetRepositoryPolicyAsync(projectId, location, repositoryId, policy, ct));

        /// <summary>Replaces the repository's labels (updateMask=labels).</summary>
        public Task<ArtifactRepository> SetLabelsAsync(string projectId, string location, string repositoryId,
            IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
            // Setting the same labels again changes nothing, so a resend is safe.
            SendAsync<ArtifactRepository>(GoogleRequest.Patch, RepositoryPath(projectId, location, repositoryId) + "?updateMask=labels",
                new ArtifactRepository { Labels = labels.ToDictionary(l => l.Key, l => l.Value) }, RequestRetry.Safe, cancellationToken);
    }
}
