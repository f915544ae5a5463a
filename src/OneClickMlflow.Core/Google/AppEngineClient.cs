using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>App Engine Admin v1: the application, its services, their flexible versions and traffic.</summary>
    public sealed class AppEngineClient : GoogleApiClient
    {
        private readonly OperationPoller poller;

        public AppEngineClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.AppEngine)
        {
            this.poller = poller;
        }

        /// <summary>The project's App Engine application, or null when it has none.</summary>
        public Task<AppEngineApplication?> GetApplicationAsync(string projectId, CancellationToken cancellationToken) =>
            GetOrNullAsync<AppEngineApplication>("apps/" + Escape(projectId), cancellationToken);

        /// <summary>Creates the application in <paramref name="locationId"/> and waits; 409 when it exists.</summary>
        public Task CreateApplicationAsync(string projectId, string locationId, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Post, "apps", new AppEngineApplication { Id = projectId, LocationId = locationId }, RequestRetry.Never, cancellationToken);

        /// <summary>Replaces the application's IAP settings (updateMask=iap) and waits.</summary>
        public Task UpdateIapAsync(string projectId, IdentityAwareProxy iap, CancellationToken cancellationToken) =>
            // The same settings again change nothing, so a resend is safe.
            RunAsync(GoogleRequest.Patch, $"apps/{Escape(projectId)}?updateMask=iap", new AppEngineApplication { Iap = iap },
                RequestRetry.Safe, cancellationToken);

        public async Task<IReadOnlyList<AppEngineService>> ListServicesAsync(string projectId, CancellationToken cancellationToken) =>
            await ListAllAsync<ServicePage, AppEngineService>($"apps/{Escape(projectId)}/services", p => p.Services, p => p.NextPageToken,
                cancellationToken).ConfigureAwait(false);

        public Task<AppEngineService?> GetServiceAsync(string projectId, string serviceId, CancellationToken cancellationToken) =>
            GetOrNullAsync<AppEngineService>(ServicePath(projectId, serviceId), cancellationToken);

        /// <summary>The versions of a service with every field (view=FULL).</summary>
        public async Task<IReadOnlyList<AppEngineVersion>> ListVersionsAsync(string projectId, string serviceId, CancellationToken cancellationToken) =>
            await ListAllAsync<VersionPage, AppEngineVersion>(ServicePath(projectId, serviceId) + "/versions?view=FULL", p => p.Versions,
                p => p.NextPageToken, cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Creates a version (the service with it when new) and waits until it is deployed: minutes on Google. Sent once:
        /// the caller looks for the create's operation before it sends another (<see cref="ListVersionCreatesAsync"/>).
        /// </summary>
        public Task CreateVersionAsync(string projectId, string serviceId, AppEngineVersion version, System.Action<System.TimeSpan>? progress,
            CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Post, ServicePath(projectId, serviceId) + "/versions", version, RequestRetry.Never, cancellationToken, progress);

        /// <summary>Sends all of a service's traffic to one version (updateMask=split) and waits.</summary>
        public Task MigrateTrafficAsync(string projectId, string serviceId, string versionId, CancellationToken cancellationToken) =>
            RunAsync(GoogleRequest.Patch, ServicePath(projectId, serviceId) + "?updateMask=split",
                new AppEngineService { Split = new TrafficSplit { Allocations = new Dictionary<string, double> { [versionId] = 1.0 } } },
                RequestRetry.Safe, cancellationToken);

        /// <summary>
        /// Stops (STOPPED) or starts (SERVING) a version's instances (updateMask=servingStatus): how a serving version
        /// of 'default', which cannot be deleted, is retired, and how it serves again.
        /// </summary>
        public Task SetServingStatusAsync(string projectId, string serviceId, string versionId, string status, CancellationToken cancellationToken) =>
            RunAsync(GoogleRequest.Patch, $"{ServicePath(projectId, serviceId)}/versions/{Escape(versionId)}?updateMask=servingStatus",
                new AppEngineVersion { ServingStatus = status }, RequestRetry.Safe, cancellationToken);

        public Task DeleteVersionAsync(string projectId, string serviceId, string versionId, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Delete, $"{ServicePath(projectId, serviceId)}/versions/{Escape(versionId)}", null, RequestRetry.Safe, cancellationToken);

        public Task DeleteServiceAsync(string projectId, string serviceId, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Delete, ServicePath(projectId, serviceId), null, RequestRetry.Safe, cancellationToken);

        /// <summary>
        /// The latest operation that created the version (apps.operations.list, matched on its metadata's method and
        /// target), or null when App Engine has none: whether a version listed from an earlier run ever came up.
        /// </summary>
        public async Task<LongRunningOperation?> FindVersionCreateAsync(string projectId, string serviceId, string versionId,
            CancellationToken cancellationToken) =>
            (await ListVersionCreatesAsync(projectId, serviceId, versionId, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

        /// <summary>
        /// Every operation that created the version, newest first: how a run tells whether a create whose answer was
        /// lost (or refused) reached App Engine, by comparing with those listed before it sent the create.
        /// </summary>
        public async Task<IReadOnlyList<LongRunningOperation>> ListVersionCreatesAsync(string projectId, string serviceId, string versionId,
            CancellationToken cancellationToken)
        {
            var target = $"apps/{projectId}/services/{serviceId}/versions/{versionId}";
            var operations = await ListAllAsync<OperationPage, LongRunningOperation>($"apps/{Escape(projectId)}/operations", p => p.Operations,
                p => p.NextPageToken, cancellationToken).ConfigureAwait(false);
            return operations
                .Select(o => (Operation: o, Metadata: AppEngineOperationMetadata.Of(o)))
                .Where(o => o.Metadata.Method == AppEngineOperationMetadata.CreateVersionMethod && o.Metadata.Target == target)
                .OrderByDescending(o => o.Metadata.InsertTime, System.StringComparer.Ordinal)
                .Select(o => o.Operation)
                .ToList();
        }

        /// <summary>Waits for an operation found by <see cref="ListVersionCreatesAsync"/>; throws its error as <see cref="OperationFailedException"/>.</summary>
        public Task WaitAsync(LongRunningOperation operation, System.Action<System.TimeSpan>? progress, CancellationToken cancellationToken) =>
            poller.WaitAsync(Api, operation, progress, cancellationToken);

        private static string ServicePath(string projectId, string serviceId) => $"apps/{Escape(projectId)}/services/{Escape(serviceId)}";

        private async Task RunAsync(HttpMethod method, string path, object? body, RequestRetry retry, CancellationToken cancellationToken,
            System.Action<System.TimeSpan>? progress = null)
        {
            var operation = await SendAsync<LongRunningOperation>(method, path, body, retry, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        private sealed class ServicePage
        {
            public List<AppEngineService>? Services { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class OperationPage
        {
            public List<LongRunningOperation>? Operations { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class VersionPage
        {
            public List<AppEngineVersion>? Versions { get; set; }

            public string? NextPageToken { get; set; }
        }
    }
}
