using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>google.cloud.servicenetworking.v1.Connection: the peering that private services access uses.</summary>
    public sealed class ServiceConnection
    {
        /// <summary>"projects/{PROJECT_NUMBER}/global/networks/{network}".</summary>
        public string? Network { get; set; }

        public List<string>? ReservedPeeringRanges { get; set; }

        public string? Peering { get; set; }

        public string? Service { get; set; }
    }

    /// <summary>Service Networking v1: private services access connections for servicenetworking.googleapis.com.</summary>
    public sealed class ServiceNetworkingClient : GoogleApiClient
    {
        private const string ConnectionsPath = "services/servicenetworking.googleapis.com/connections";

        /// <summary>The one connection a network has with Service Networking (also the name of its peering).</summary>
        public const string ConnectionName = "servicenetworking-googleapis-com";

        private readonly OperationPoller poller;

        public ServiceNetworkingClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.ServiceNetworking)
        {
            this.poller = poller;
        }

        /// <summary>The network as Service Networking names it: by project NUMBER.</summary>
        public static string ConsumerNetwork(string projectNumber, string networkName) =>
            $"projects/{projectNumber}/global/networks/{networkName}";

        /// <summary>The connection of the network, or null when there is none.</summary>
        public async Task<ServiceConnection?> GetConnectionAsync(string consumerNetwork, CancellationToken cancellationToken)
        {
            var list = await GetAsync<ConnectionList>($"{ConnectionsPath}?network={Escape(consumerNetwork)}", cancellationToken)
                .ConfigureAwait(false);
            return list.Connections?.FirstOrDefault();
        }

        /// <summary>Creates the connection and waits; fails (code 9) when the network already has one.</summary>
        public async Task CreateConnectionAsync(string consumerNetwork, IReadOnlyList<string> ranges, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var operation = await SendAsync<LongRunningOperation>(HttpMethod.Post, ConnectionsPath,
                new ServiceConnection { Network = consumerNetwork, ReservedPeeringRanges = ranges.ToList() },
                RequestRetry.Never, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Replaces the connection's reserved ranges (PATCH connections/-, force, updateMask) and waits.</summary>
        public async Task UpdateConnectionRangesAsync(string consumerNetwork, IReadOnlyList<string> ranges, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            // Setting the same ranges again changes nothing, so a resend is safe.
            var operation = await SendAsync<LongRunningOperation>(GoogleRequest.Patch,
                $"{ConnectionsPath}/-?force=true&updateMask=reservedPeeringRanges",
                new ServiceConnection { Network = consumerNetwork, ReservedPeeringRanges = ranges.ToList() },
                RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Deletes the network's connection (and its peering) and waits. The operation fails with FAILED_PRECONDITION
        /// while a producer service still uses it, which Cloud SQL does for days after its instance is deleted.
        /// </summary>
        /// <remarks>
        /// services.connections.deleteConnection is <c>POST v1/services/{service}/connections/{connection}</c> with no
        /// custom-verb suffix (the generated client's flat_path); the connection is named "-" as gcloud's
        /// <c>services vpc-peerings delete</c> names it (api_lib/services/peering.py).
        /// </remarks>
        public async Task DeleteConnectionAsync(string consumerNetwork, Action<TimeSpan>? progress, CancellationToken cancellationToken)
        {
            var operation = await SendAsync<LongRunningOperation>(HttpMethod.Post, $"{ConnectionsPath}/-",
                new DeleteConnectionRequest { ConsumerNetwork = consumerNetwork }, RequestRetry.Never, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        private sealed class DeleteConnectionRequest
        {
            public string ConsumerNetwork { get; set; } = "";
        }

        private sealed class ConnectionList
        {
            public List<ServiceConnection>? Connections { get; set; }
        }
    }
}
