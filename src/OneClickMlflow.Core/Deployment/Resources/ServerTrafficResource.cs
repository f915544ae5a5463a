using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>All of the service's traffic on the wanted version, moved once that version is deployed and serving.</summary>
    public sealed class ServerTrafficResource : Resource
    {
        private readonly AppEngineClient appEngine;
        private readonly ServerServiceLocator locator;
        private readonly ServerVersionResource version;
        private readonly string projectId;
        private ServerServiceState? live;

        public ServerTrafficResource(AppEngineClient appEngine, string projectId, ServerServiceLocator locator, ServerVersionResource version)
            : base("server-traffic", "App Engine traffic", "traffic split", version)
        {
            this.appEngine = appEngine;
            this.projectId = projectId;
            this.locator = locator;
            this.version = version;
        }

        protected override bool Exists => live?.Exists == true;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            update: new[] { "appengine.services.update", "appengine.operations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan()
        {
            var wanted = version.Wanted?.Id;
            if (wanted == null)
            {
                return Unchanged("no version to send traffic to");
            }
            if (live!.Allocations.Count == 1 && live.ReceivesTraffic(wanted))
            {
                return Unchanged($"version {wanted} receives all traffic of service '{live.ServiceId}'");
            }
            var current = live.Allocations.Count == 0
                ? "none"
                : string.Join(", ", live.Allocations.Select(a => $"{a.Key} {(a.Value * 100).ToString("0.#", CultureInfo.InvariantCulture)}%"));
            return Update($"traffic of service '{live.ServiceId}' goes to {current}, want {wanted} 100%",
                new Dictionary<string, string> { ["split.allocations"] = wanted + "=1" });
        }

        public override PlannedChange PlanRemoval() => Unchanged("goes with the server version");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var wanted = version.Wanted!.Id!;
            // Only a version that came up and serves takes traffic; a failed one is never promoted.
            locator.Invalidate();
            var current = await locator.ObserveAsync(context.CancellationToken).ConfigureAwait(false);
            var target = current.Versions.FirstOrDefault(v => v.Id == wanted);
            if (target?.ServingStatus != "SERVING")
            {
                throw new System.InvalidOperationException($"Traffic of service '{version.ServiceId}' stays where it is: version {wanted} " +
                                                           (target == null ? "is not listed" : $"is {target.ServingStatus}") + ". Run the command again.");
            }
            context.ReportProgress($"moving the traffic of service '{version.ServiceId}' to {wanted}");
            await appEngine.MigrateTrafficAsync(projectId, version.ServiceId, wanted, context.CancellationToken).ConfigureAwait(false);
            locator.Invalidate();
        }
    }
}
