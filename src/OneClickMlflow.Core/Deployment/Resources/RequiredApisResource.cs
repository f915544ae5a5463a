using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>The APIs the deployment calls, enabled in one batch: only those not enabled yet.</summary>
    public sealed class RequiredApisResource : Resource
    {
        private readonly ServiceUsageClient client;
        private readonly string projectId;
        private IReadOnlyList<string> missing = Array.Empty<string>();

        public RequiredApisResource(ServiceUsageClient client, string projectId, IReadOnlyList<string> services)
            : base("apis", "Service APIs", projectId)
        {
            this.client = client;
            this.projectId = projectId;
            Services = services;
        }

        public IReadOnlyList<string> Services { get; }

        public override IReadOnlyList<Resource> ObservesAfter => System.Array.Empty<Resource>();

        /// <summary>Anything read through a disabled API fails, so dependents wait until every API is on.</summary>
        public override bool LetsDependentsObserve(PlannedChange change) => change.Action == ChangeAction.None;

        protected override bool Exists => true;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "serviceusage.services.list" },
            update: new[] { "serviceusage.services.enable", "serviceusage.operations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var enabled = new HashSet<string>(await client.ListEnabledAsync(projectId, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            missing = Services.Where(s => !enabled.Contains(s)).ToList();
        }

        public override PlannedChange Plan() => missing.Count == 0
            ? Unchanged($"all {Services.Count} APIs are enabled")
            : Update($"{missing.Count} of {Services.Count} APIs are not enabled: {string.Join(", ", missing)}",
                missing.ToDictionary(s => s, _ => "enable"));

        /// <summary>Other workloads of the project may use these APIs: a removal leaves them enabled.</summary>
        public override PlannedChange PlanRemoval() => Unchanged("APIs stay enabled");

        public override Task ApplyAsync(ResourceApplyContext context) =>
            client.BatchEnableAsync(projectId, missing,
                elapsed => context.ReportProgress($"enabling {missing.Count} APIs ({elapsed.TotalSeconds:0}s)"), context.CancellationToken);
    }
}
