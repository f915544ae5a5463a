using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The VPC network: the deployment's own "NAME-network" (auto subnets), or the one named by -NetworkName,
    /// which must exist and is used as it is, never modified or deleted.
    /// </summary>
    public sealed class NetworkResource : Resource
    {
        private readonly ComputeClient compute;
        private ComputeNetwork? live;

        public NetworkResource(ComputeClient compute, NetworkReference network, bool isUsersNetwork, Resource apis)
            : base("network", "Compute network", network.Name, apis)
        {
            this.compute = compute;
            Network = network;
            IsUsersNetwork = isUsersNetwork;
        }

        public NetworkReference Network { get; }

        /// <summary>True when -NetworkName named it: the deployment only uses it.</summary>
        public bool IsUsersNetwork { get; }

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "compute.networks.get" },
            create: new[] { "compute.networks.create", "compute.globalOperations.get" },
            delete: new[] { "compute.networks.delete", "compute.globalOperations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await compute.GetNetworkAsync(Network.ProjectId, Network.Name, cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan()
        {
            if (IsUsersNetwork)
            {
                return live != null
                    ? Unchanged("existing network, used as it is")
                    : throw Refuse($"the network given by -NetworkName does not exist in project '{Network.ProjectId}'. " +
                                   "Create it first, or leave -NetworkName out to let the deployment create its own network.");
            }

            return live != null
                ? Unchanged("exists")
                : Create("does not exist", new Dictionary<string, string> { ["autoCreateSubnetworks"] = "true", ["routingMode"] = "REGIONAL" });
        }

        /// <summary>A network the user brought is never deleted.</summary>
        public override PlannedChange PlanRemoval() => IsUsersNetwork ? Unchanged("given by -NetworkName, not made by the deployment: kept")
            : live == null ? Unchanged("does not exist")
            : Delete("made by the deployment");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => compute.DeleteNetworkAsync(Network.ProjectId, Network.Name,
                    elapsed => context.ReportProgress($"deleting network ({elapsed.TotalSeconds:0}s)"), context.CancellationToken)).ConfigureAwait(false);
                live = null;
                return;
            }

            var requestId = ComputeClient.NewRequestId();
            live = await CreateOnce.EnsureAsync(
                ct => compute.GetNetworkAsync(Network.ProjectId, Network.Name, ct),
                ct => compute.InsertNetworkAsync(Network.ProjectId,
                    new ComputeNetwork
                    {
                        Name = Network.Name,
                        Description = "MLflow tracking server network (one-click-mlflow)",
                        AutoCreateSubnetworks = true,
                        RoutingConfig = new NetworkRoutingConfig { RoutingMode = "REGIONAL" },
                    },
                    requestId, elapsed => context.ReportProgress($"creating network ({elapsed.TotalSeconds:0}s)"), ct),
                context.CancellationToken).ConfigureAwait(false);
        }
    }
}
