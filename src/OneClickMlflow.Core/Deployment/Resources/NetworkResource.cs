using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The VPC network: the deployment's own "NAME-network" (auto subnets), or the one named by -NetworkName,
    /// which must exist and is used as it is, never modified or deleted; for that one the plan also checks that
    /// App Engine can put the server on it (<see cref="SubnetworkChoice"/>).
    /// </summary>
    public sealed class NetworkResource : Resource
    {
        private readonly ComputeClient compute;
        private readonly SubnetworkChoice? subnetwork;
        private readonly bool followLive;
        private ComputeNetwork? live;

        /// <param name="subnetwork">How App Engine uses a network the user brings; null for the deployment's own.</param>
        /// <param name="followLive">Get-MlflowDeployment: the server runs where it runs, so a subnetwork problem is no refusal.</param>
        public NetworkResource(ComputeClient compute, NetworkReference network, SubnetworkChoice? subnetwork, bool followLive, Resource apis)
            : base("network", "Compute network", network.Name, apis)
        {
            this.compute = compute;
            this.subnetwork = subnetwork;
            this.followLive = followLive;
            Network = network;
        }

        public NetworkReference Network { get; }

        /// <summary>True when -NetworkName named it: the deployment only uses it.</summary>
        public bool IsUsersNetwork => subnetwork != null;

        /// <summary>The App Engine version's network.subnetworkName (custom subnet mode networks), known once planned.</summary>
        public string? SubnetworkName => subnetwork?.SubnetworkName;

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "compute.networks.get", "compute.subnetworks.list" },
            create: new[] { "compute.networks.create", "compute.globalOperations.get" },
            delete: new[] { "compute.networks.delete", "compute.globalOperations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            live = await compute.GetNetworkAsync(Network.ProjectId, Network.Name, cancellationToken).ConfigureAwait(false);
            if (live != null && subnetwork != null)
            {
                await subnetwork.ObserveAsync(live, cancellationToken).ConfigureAwait(false);
            }
        }

        public override PlannedChange Plan()
        {
            if (subnetwork != null)
            {
                if (live == null)
                {
                    throw Refuse($"the network given by -NetworkName does not exist in project '{Network.ProjectId}'. " +
                                 "Create it first, or leave -NetworkName out to let the deployment create its own network.");
                }
                if (subnetwork.Problem != null && !followLive)
                {
                    throw Refuse(subnetwork.Problem);
                }
                return Unchanged(subnetwork.Problem == null ? "existing network, used as it is; " + subnetwork.Summary : "existing network, used as it is");
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
                compute, $"{Kind} '{Name}'",
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
