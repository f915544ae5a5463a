using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>compute_v1 Network (the fields the deployment reads and writes).</summary>
    public sealed class ComputeNetwork
    {
        public string? Name { get; set; }

        public string? Description { get; set; }

        public bool? AutoCreateSubnetworks { get; set; }

        public NetworkRoutingConfig? RoutingConfig { get; set; }

        public string? SelfLink { get; set; }

        public List<NetworkPeering>? Peerings { get; set; }
    }

    public sealed class NetworkRoutingConfig
    {
        /// <summary>GLOBAL or REGIONAL.</summary>
        public string? RoutingMode { get; set; }
    }

    public sealed class NetworkPeering
    {
        public string? Name { get; set; }

        public string? Network { get; set; }

        public string? State { get; set; }
    }

    /// <summary>compute_v1 Subnetwork (the fields the deployment reads): a regional range of a network.</summary>
    public sealed class ComputeSubnetwork
    {
        public string? Name { get; set; }

        /// <summary>The network's URL.</summary>
        public string? Network { get; set; }

        public string? IpCidrRange { get; set; }

        /// <summary>The region's URL.</summary>
        public string? Region { get; set; }

        public bool? PrivateIpGoogleAccess { get; set; }
    }

    /// <summary>compute_v1 Address (global): a VPC_PEERING range for private services access.</summary>
    public sealed class ComputeAddress
    {
        public string? Name { get; set; }

        public string? Description { get; set; }

        public string? Address { get; set; }

        public int? PrefixLength { get; set; }

        /// <summary>A network URL (any host) or "projects/{p}/global/networks/{n}".</summary>
        public string? Network { get; set; }

        /// <summary>EXTERNAL or INTERNAL.</summary>
        public string? AddressType { get; set; }

        /// <summary>VPC_PEERING for private services access.</summary>
        public string? Purpose { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        /// <summary>The labels' version: setLabels must name it, so a stale write is refused (412).</summary>
        public string? LabelFingerprint { get; set; }

        public string? SelfLink { get; set; }

        public string? Status { get; set; }
    }

    /// <summary>
    /// Compute Engine v1, global networks and addresses, and the regional subnetworks (read only). Every insert
    /// carries a requestId, so the pipeline may resend it after a transient failure and Compute answers with the
    /// operation it already started.
    /// </summary>
    public sealed class ComputeClient : GoogleApiClient
    {
        private readonly OperationPoller poller;

        public ComputeClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.Compute)
        {
            this.poller = poller;
        }

        /// <summary>The network, or null when it does not exist.</summary>
        public Task<ComputeNetwork?> GetNetworkAsync(string projectId, string name, CancellationToken cancellationToken) =>
            GetOrNullAsync<ComputeNetwork>($"projects/{Escape(projectId)}/global/networks/{Escape(name)}", cancellationToken);

        /// <summary>Inserts the network and waits for the operation.</summary>
        public Task InsertNetworkAsync(string projectId, ComputeNetwork network, string requestId, Action<TimeSpan>? progress,
            CancellationToken cancellationToken) =>
            InsertAsync($"projects/{Escape(projectId)}/global/networks", network, requestId, progress, cancellationToken);

        /// <summary>Every subnetwork of the project in a region, of any network.</summary>
        public async Task<IReadOnlyList<ComputeSubnetwork>> ListSubnetworksAsync(string projectId, string region, CancellationToken cancellationToken) =>
            await ListAllAsync<SubnetworkList, ComputeSubnetwork>($"projects/{Escape(projectId)}/regions/{Escape(region)}/subnetworks",
                page => page.Items, page => page.NextPageToken, cancellationToken).ConfigureAwait(false);

        /// <summary>Who may use a subnetwork (subnetworks.getIamPolicy: a GET, the version in the query).</summary>
        public Task<IamPolicy> GetSubnetworkIamPolicyAsync(string projectId, string region, string name, CancellationToken cancellationToken) =>
            GetAsync<IamPolicy>($"projects/{Escape(projectId)}/regions/{Escape(region)}/subnetworks/{Escape(name)}/getIamPolicy" +
                "?optionsRequestedPolicyVersion=3", cancellationToken);

        /// <summary>Every global address of the project.</summary>
        public async Task<IReadOnlyList<ComputeAddress>> ListGlobalAddressesAsync(string projectId, CancellationToken cancellationToken) =>
            await ListAllAsync<AddressList, ComputeAddress>($"projects/{Escape(projectId)}/global/addresses",
                page => page.Items, page => page.NextPageToken, cancellationToken).ConfigureAwait(false);

        /// <summary>Inserts a global address and waits for the operation.</summary>
        public Task InsertGlobalAddressAsync(string projectId, ComputeAddress address, string requestId, Action<TimeSpan>? progress,
            CancellationToken cancellationToken) =>
            InsertAsync($"projects/{Escape(projectId)}/global/addresses", address, requestId, progress, cancellationToken);

        /// <summary>The global address, or null when it does not exist.</summary>
        public Task<ComputeAddress?> GetGlobalAddressAsync(string projectId, string name, CancellationToken cancellationToken) =>
            GetOrNullAsync<ComputeAddress>($"projects/{Escape(projectId)}/global/addresses/{Escape(name)}", cancellationToken);

        /// <summary>
        /// Replaces a global address's labels and waits: globalAddresses.setLabels with the fingerprint read last, the
        /// only way to label an address (its insert ignores labels). A stale fingerprint fails with 412.
        /// </summary>
        public async Task SetGlobalAddressLabelsAsync(string projectId, string name, IReadOnlyDictionary<string, string> labels, string? fingerprint,
            Action<TimeSpan>? progress, CancellationToken cancellationToken)
        {
            var operation = await SendAsync<ResourceOperation>(HttpMethod.Post, $"projects/{Escape(projectId)}/global/addresses/{Escape(name)}/setLabels",
                new LabelsRequest { Labels = new Dictionary<string, string>(labels.ToDictionary(l => l.Key, l => l.Value)), LabelFingerprint = fingerprint },
                RequestRetry.Never, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Deletes the network and waits; Compute refuses while ranges, firewalls or peerings still use it.</summary>
        public Task DeleteNetworkAsync(string projectId, string name, Action<TimeSpan>? progress, CancellationToken cancellationToken) =>
            DeleteAsync($"projects/{Escape(projectId)}/global/networks/{Escape(name)}", progress, cancellationToken);

        /// <summary>Deletes a global address and waits; refused while a private services connection reserves it.</summary>
        public Task DeleteGlobalAddressAsync(string projectId, string name, Action<TimeSpan>? progress, CancellationToken cancellationToken) =>
            DeleteAsync($"projects/{Escape(projectId)}/global/addresses/{Escape(name)}", progress, cancellationToken);

        /// <summary>"projects/{p}/global/networks/{n}" from a network URL on any host, or the relative name itself.</summary>
        public static string RelativeNetworkName(string network)
        {
            var start = network.IndexOf("projects/", StringComparison.Ordinal);
            return start < 0 ? network : network.Substring(start);
        }

        /// <summary>A fresh idempotency key for one insert (Compute wants a UUID).</summary>
        public static string NewRequestId() => Guid.NewGuid().ToString();

        private async Task InsertAsync(string collectionPath, object body, string requestId, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            // The requestId makes a resend return the first attempt's operation instead of a second insert.
            var operation = await SendAsync<ResourceOperation>(HttpMethod.Post, collectionPath + "?requestId=" + Escape(requestId),
                body, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        private async Task DeleteAsync(string resourcePath, Action<TimeSpan>? progress, CancellationToken cancellationToken)
        {
            var operation = await SendAsync<ResourceOperation>(HttpMethod.Delete, resourcePath + "?requestId=" + Escape(NewRequestId()),
                null, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
            await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
        }

        private sealed class LabelsRequest
        {
            public Dictionary<string, string>? Labels { get; set; }

            public string? LabelFingerprint { get; set; }
        }

        private sealed class SubnetworkList
        {
            public List<ComputeSubnetwork>? Items { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class AddressList
        {
            public List<ComputeAddress>? Items { get; set; }

            public string? NextPageToken { get; set; }
        }
    }
}
