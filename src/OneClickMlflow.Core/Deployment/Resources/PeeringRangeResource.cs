using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The address range private services access peers with: a VPC_PEERING range already allocated on the
    /// network is reused; otherwise the deployment allocates its own /16.
    /// </summary>
    public sealed class PeeringRangeResource : Resource
    {
        public const int PrefixLength = 16;

        private readonly ComputeClient compute;
        private readonly NetworkResource network;
        private readonly IReadOnlyDictionary<string, string> labels;
        private ComputeAddress? chosen;
        private ComputeAddress? sameNameElsewhere;

        public PeeringRangeResource(ComputeClient compute, string rangeName, NetworkResource network, IReadOnlyDictionary<string, string> labels)
            : base("peering-range", "Private services range", rangeName, network)
        {
            this.compute = compute;
            this.network = network;
            this.labels = labels;
        }

        /// <summary>The range in use: the deployment's own, or the one found on the network.</summary>
        public string RangeName => chosen?.Name ?? Name;

        protected override bool Exists => chosen != null && chosen.Name == Name;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "compute.globalAddresses.list" },
            create: new[] { "compute.globalAddresses.create", "compute.globalAddresses.get", "compute.globalAddresses.setLabels", "compute.globalOperations.get" },
            update: new[] { "compute.globalAddresses.get", "compute.globalAddresses.setLabels", "compute.globalOperations.get" },
            delete: new[] { "compute.globalAddresses.delete", "compute.globalOperations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var addresses = await compute.ListGlobalAddressesAsync(network.Network.ProjectId, cancellationToken).ConfigureAwait(false);
            var onNetwork = addresses.Where(IsPeeringRangeOnNetwork).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
            chosen = onNetwork.FirstOrDefault(a => a.Name == Name) ?? onNetwork.FirstOrDefault();
            sameNameElsewhere = chosen == null ? addresses.FirstOrDefault(a => a.Name == Name) : null;
        }

        public override PlannedChange Plan()
        {
            if (sameNameElsewhere != null)
            {
                throw Refuse($"a global address with this name exists but is not a VPC_PEERING range on network '{network.Name}'. " +
                             "Delete it or choose another -Name.");
            }

            if (chosen == null)
            {
                return Create($"no VPC_PEERING range is allocated on network '{network.Name}'",
                    new Dictionary<string, string> { ["prefixLength"] = "/" + PrefixLength, ["purpose"] = "VPC_PEERING" });
            }

            if (chosen.Name != Name)
            {
                return Unchanged($"reusing range '{chosen.Name}' ({chosen.Address}/{chosen.PrefixLength}) already allocated on the network");
            }
            var missing = MissingLabels(chosen);
            return missing.Count == 0
                ? Unchanged($"allocated ({chosen.Address}/{chosen.PrefixLength})")
                : Update("label " + string.Join(", ", missing.Select(l => $"{l.Key}={l.Value}")) + " missing",
                    missing.ToDictionary(l => "labels." + l.Key, l => l.Value));
        }

        /// <summary>Only the deployment's own range on its own network: on a network the user brought, others may use it.</summary>
        public override PlannedChange PlanRemoval() =>
            !Exists ? Unchanged(chosen == null ? "does not exist" : $"range '{chosen.Name}' was not made by the deployment: kept")
            : network.IsUsersNetwork ? Unchanged("on the network given by -NetworkName, where other services may use it: kept")
            : Delete($"allocated ({chosen!.Address}/{chosen.PrefixLength})");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var projectId = network.Network.ProjectId;
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => compute.DeleteGlobalAddressAsync(projectId, Name,
                    elapsed => context.ReportProgress($"releasing range ({elapsed.TotalSeconds:0}s)"), context.CancellationToken)).ConfigureAwait(false);
                chosen = null;
                return;
            }

            var requestId = ComputeClient.NewRequestId();
            var created = await CreateOnce.EnsureAsync(
                compute, $"{Kind} '{Name}'",
                async ct => (await compute.ListGlobalAddressesAsync(projectId, ct).ConfigureAwait(false))
                    .FirstOrDefault(a => a.Name == Name && IsPeeringRangeOnNetwork(a)),
                ct => compute.InsertGlobalAddressAsync(projectId,
                    new ComputeAddress
                    {
                        Name = Name,
                        Description = "Private services access range for Cloud SQL (one-click-mlflow)",
                        AddressType = "INTERNAL",
                        Purpose = "VPC_PEERING",
                        PrefixLength = PrefixLength,
                        Network = network.Network.RelativeName,
                    },
                    requestId, elapsed => context.ReportProgress($"allocating range ({elapsed.TotalSeconds:0}s)"), ct),
                context.CancellationToken).ConfigureAwait(false);
            chosen = await LabelAsync(projectId, created, context).ConfigureAwait(false);
        }

        /// <summary>
        /// An address's insert ignores labels (compute v1 Address.labels: "can only be added or modified by the
        /// setLabels method"): they are set afterwards with the fingerprint read last. setLabels has no requestId, so
        /// after a failure or a stale fingerprint (412) the address is read again before labels are sent again: a
        /// resend never overwrites a newer change, and one that landed is seen.
        /// </summary>
        private Task<ComputeAddress> LabelAsync(string projectId, ComputeAddress address, ResourceApplyContext context)
        {
            var fresh = true;
            return compute.Pipeline.RetryCycleAsync(async ct =>
            {
                if (!fresh)
                {
                    address = await ReadAsync(projectId, ct).ConfigureAwait(false);
                }
                fresh = false;
                if (MissingLabels(address).Count == 0)
                {
                    return address;
                }
                var wanted = new Dictionary<string, string>(address.Labels ?? new Dictionary<string, string>());
                foreach (var label in labels)
                {
                    wanted[label.Key] = label.Value;
                }
                await compute.SetGlobalAddressLabelsAsync(projectId, Name, wanted, address.LabelFingerprint,
                    elapsed => context.ReportProgress($"labelling range ({elapsed.TotalSeconds:0}s)"), ct).ConfigureAwait(false);
                return await ReadAsync(projectId, ct).ConfigureAwait(false);
            }, e => e is GoogleCloudApiException google && google.HttpStatus == 412, context.CancellationToken);
        }

        private async Task<ComputeAddress> ReadAsync(string projectId, CancellationToken cancellationToken) =>
            await compute.GetGlobalAddressAsync(projectId, Name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Range '{Name}' is gone while being labelled; run the command again.");

        private List<KeyValuePair<string, string>> MissingLabels(ComputeAddress address) =>
            labels.Where(l => address.Labels == null || !address.Labels.TryGetValue(l.Key, out var value) || value != l.Value).ToList();

        private bool IsPeeringRangeOnNetwork(ComputeAddress address) =>
            address.Purpose == "VPC_PEERING" && address.Network != null
            && ComputeClient.RelativeNetworkName(address.Network) == network.Network.RelativeName;
    }
}
