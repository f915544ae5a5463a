using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>Service Usage: which APIs are enabled, and enabling them.</summary>
    public sealed class ServiceUsageClient : GoogleApiClient
    {
        public const int MaxServicesPerBatch = 20;

        private readonly OperationPoller poller;

        public ServiceUsageClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.ServiceUsage)
        {
            this.poller = poller;
        }

        /// <summary>The names (e.g. compute.googleapis.com) of the services enabled on the project.</summary>
        public async Task<IReadOnlyList<string>> ListEnabledAsync(string projectId, CancellationToken cancellationToken) =>
            await ListAllAsync<ListServicesResponse, string>($"projects/{Escape(projectId)}/services?filter=state:ENABLED&pageSize=200",
                page => page.Services?.Select(s => s.Config?.Name ?? LastSegment(s.Name)), page => page.NextPageToken,
                cancellationToken).ConfigureAwait(false);

        /// <summary>Enables services in batches of at most 20, waiting for each batch's operation.</summary>
        public async Task BatchEnableAsync(string projectId, IEnumerable<string> serviceIds, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var all = serviceIds.Distinct(StringComparer.Ordinal).ToList();
            for (var start = 0; start < all.Count; start += MaxServicesPerBatch)
            {
                var batch = all.Skip(start).Take(MaxServicesPerBatch).ToList();
                // Enabling an enabled service changes nothing, so the call is safe to repeat.
                var operation = await SendAsync<LongRunningOperation>(HttpMethod.Post, $"projects/{Escape(projectId)}/services:batchEnable",
                    new BatchEnableRequest { ServiceIds = batch }, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
                await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
            }
        }

        private static string LastSegment(string? name) => name == null ? "" : name.Substring(name.LastIndexOf('/') + 1);

        private sealed class BatchEnableRequest
        {
            public List<string> ServiceIds { get; set; } = new List<string>();
        }

        private sealed class ListServicesResponse
        {
            public List<ServiceState>? Services { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class ServiceState
        {
            public string? Name { get; set; }

            public string? State { get; set; }

            public ServiceConfig? Config { get; set; }
        }

        private sealed class ServiceConfig
        {
            public string? Name { get; set; }
        }
    }
}
