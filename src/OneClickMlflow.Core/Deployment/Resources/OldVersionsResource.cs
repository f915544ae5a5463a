using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Deletes the deployment's older versions once traffic has moved, keeping the newest other one for a rollback.
    /// Only versions the deployment made (by their artifact destination) and none receiving traffic.
    /// </summary>
    public sealed class OldVersionsResource : Resource
    {
        private readonly AppEngineClient appEngine;
        private readonly string projectId;
        private readonly ServerServiceLocator locator;
        private readonly ServerVersionResource version;
        private ServerServiceState? live;

        public OldVersionsResource(AppEngineClient appEngine, string projectId, ServerServiceLocator locator, ServerVersionResource version,
            ServerTrafficResource traffic)
            : base("old-versions", "App Engine old versions", "versions beyond one kept for rollback", traffic)
        {
            this.appEngine = appEngine;
            this.projectId = projectId;
            this.locator = locator;
            this.version = version;
        }

        protected override bool Exists => false;

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan()
        {
            var (kept, delete) = Sort(live!);
            if (delete.Count == 0)
            {
                return Unchanged(kept == null ? "no older version" : $"keeps {kept} for rollback");
            }
            return Delete($"deletes {string.Join(", ", delete)} (keeps {kept} for rollback)");
        }

        public override PlannedChange PlanRemoval() => Unchanged("removed with the server version");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            // Traffic has just moved: read again, so a version that still receives traffic is never deleted.
            locator.Invalidate();
            live = await locator.ObserveAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var id in Sort(live).Delete)
            {
                context.ReportProgress($"deleting old version {id}");
                try
                {
                    await appEngine.DeleteVersionAsync(projectId, live.ServiceId, id, context.CancellationToken).ConfigureAwait(false);
                }
                catch (GoogleApiException e) when (e.IsNotFound)
                {
                }
            }
            locator.Invalidate();
        }

        /// <summary>Keeps the wanted version and the newest other one; the rest of the deployment's versions without traffic go.</summary>
        private (string? Kept, List<string> Delete) Sort(ServerServiceState state)
        {
            var wanted = version.Wanted?.Id;
            var others = state.OwnVersions
                .Where(v => v.Id != wanted)
                .OrderByDescending(v => state.ReceivesTraffic(v.Id))
                .ThenByDescending(v => v.CreateTime ?? "", StringComparer.Ordinal)
                .ToList();
            var kept = others.FirstOrDefault()?.Id;
            var delete = others.Skip(1).Where(v => !state.ReceivesTraffic(v.Id)).Select(v => v.Id!).ToList();
            return (kept, wanted == null ? new List<string>() : delete);
        }
    }
}
