using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The Service Networking connection that peers the network with Google's services (Cloud SQL's private IP).
    /// Created with the range; when one already exists without it, the range is added (PATCH, force) and the
    /// ranges it already had are kept.
    /// </summary>
    public sealed class PrivateServicesConnectionResource : Resource
    {
        private readonly ServiceNetworkingClient serviceNetworking;
        private readonly ResourceManagerClient resourceManager;
        private readonly NetworkResource network;
        private readonly PeeringRangeResource range;
        private string? consumerNetwork;
        private ServiceConnection? live;

        public PrivateServicesConnectionResource(ServiceNetworkingClient serviceNetworking, ResourceManagerClient resourceManager,
            NetworkResource network, PeeringRangeResource range)
            : base("private-services-access", "Private services connection", ServiceNetworkingClient.ConnectionName, range)
        {
            this.serviceNetworking = serviceNetworking;
            this.resourceManager = resourceManager;
            this.network = network;
            this.range = range;
        }

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "servicenetworking.services.get", "resourcemanager.projects.get" },
            create: new[] { "servicenetworking.services.addPeering" },
            update: new[] { "servicenetworking.services.addPeering" },
            delete: new[] { "servicenetworking.services.deleteConnection" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            consumerNetwork ??= await ConsumerNetworkAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                live = await serviceNetworking.GetConnectionAsync(consumerNetwork, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound || (e.HttpStatus == 400 && e.Status == "FAILED_PRECONDITION"))
            {
                // Service Networking answers 400 FAILED_PRECONDITION when the network does not exist (seen by a
                // removal after the network went): no network, no connection.
                live = null;
            }
        }

        public override PlannedChange Plan()
        {
            if (live == null)
            {
                return Create($"network '{network.Name}' has no connection", Details(Array.Empty<string>()));
            }

            var ranges = live.ReservedPeeringRanges ?? new List<string>();
            return ranges.Contains(range.RangeName)
                ? Unchanged($"connected with range '{range.RangeName}'")
                : Update($"the connection lacks range '{range.RangeName}'", Details(ranges));
        }

        /// <summary>
        /// On the deployment's own network the connection goes (the range and network cannot go before it); on a
        /// network the user brought it stays, since other services may reach Google through it.
        /// </summary>
        public override PlannedChange PlanRemoval() =>
            live == null ? Unchanged("does not exist")
            : network.IsUsersNetwork ? Unchanged("on the network given by -NetworkName, where other services may use it: kept")
            : Delete($"peers network '{network.Name}' with Google's services");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            consumerNetwork ??= await ConsumerNetworkAsync(cancellationToken).ConfigureAwait(false);
            if (context.Change.Action == ChangeAction.Delete)
            {
                try
                {
                    // deleteConnection is a POST sent once: after a failure the connection is read again, and only a
                    // connection still there is deleted again (one whose delete landed ends NOT_FOUND, taken as done).
                    await serviceNetworking.Pipeline.RetryCycleAsync(async ct =>
                    {
                        if (await serviceNetworking.GetConnectionAsync(consumerNetwork, ct).ConfigureAwait(false) != null)
                        {
                            await MissingIsRemoved.DeleteAsync(() => serviceNetworking.DeleteConnectionAsync(consumerNetwork,
                                elapsed => context.ReportProgress($"removing the peering ({elapsed.TotalSeconds:0}s)"), ct)).ConfigureAwait(false);
                        }
                        return true;
                    }, null, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsStillUsedByProducer(e))
                {
                    throw new ChangeDeferredException(ProducerHoldReason, e);
                }
                live = null;
                return;
            }

            Action<TimeSpan> progress = elapsed => context.ReportProgress($"peering with Service Networking ({elapsed.TotalSeconds:0}s)");
            // Decided from a fresh read before every send: a create or update whose answer was lost, or that failed
            // half-way, may have made the connection; the update sends the ranges as read, plus this one.
            live = await CreateOnce.EnsureAsync(serviceNetworking, $"{Kind} '{Name}' with range '{range.RangeName}'",
                async ct =>
                {
                    live = await serviceNetworking.GetConnectionAsync(consumerNetwork, ct).ConfigureAwait(false);
                    return live?.ReservedPeeringRanges?.Contains(range.RangeName) == true ? live : null;
                },
                ct => live == null
                    ? serviceNetworking.CreateConnectionAsync(consumerNetwork, new[] { range.RangeName }, progress, ct)
                    : serviceNetworking.UpdateConnectionRangesAsync(consumerNetwork,
                        (live.ReservedPeeringRanges ?? new List<string>()).Concat(new[] { range.RangeName }).ToList(), progress, ct),
                cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Why the connection stays after a removal that deleted the database, and what finishes the job.</summary>
        public const string ProducerHoldReason =
            "kept for now: Google keeps a deleted Cloud SQL instance's producer resources on this peering for up to about four " +
            "days and refuses to delete it until then. Run Remove-MlflowDeployment again in a few days: it removes the " +
            "connection, then the range and the network.";

        /// <summary>
        /// FAILED_PRECONDITION (code 9, or HTTP 400) "Producer services (e.g. CloudSQL, ...) are still using this
        /// connection": what deleteConnection answers while Cloud SQL still holds the peering, which it does for up to
        /// about four days after an instance is deleted (Cloud SQL private IP docs; terraform-provider-google #16275, #19908).
        /// </summary>
        private static bool IsStillUsedByProducer(Exception error)
        {
            var (code, message) = error switch
            {
                OperationFailedException operation => (operation.Code, operation.Message),
                GoogleCloudApiException google when google.Status == "FAILED_PRECONDITION" => (9, google.Message),
                _ => (0, ""),
            };
            return code == 9 && message.IndexOf("Producer services", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        private async Task<string> ConsumerNetworkAsync(CancellationToken cancellationToken)
        {
            var project = await resourceManager.GetProjectAsync(network.Network.ProjectId, cancellationToken).ConfigureAwait(false);
            return ServiceNetworkingClient.ConsumerNetwork(project.ProjectNumber, network.Network.Name);
        }

        private Dictionary<string, string> Details(IReadOnlyCollection<string> current) => new Dictionary<string, string>
        {
            ["reservedPeeringRanges"] = current.Count == 0
                ? range.RangeName
                : $"{string.Join(",", current)} -> {string.Join(",", current.Concat(new[] { range.RangeName }))}",
        };
    }
}
