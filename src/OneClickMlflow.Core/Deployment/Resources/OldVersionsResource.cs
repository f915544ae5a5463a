using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Once traffic has moved, keeps the newest other version of the deployment for a rollback, STOPPED (a serving
    /// flexible version keeps at least one VM billed even without traffic), and deletes the deployment's older versions.
    /// Only versions the deployment made (by their artifact destination) and none receiving traffic.
    /// </summary>
    public sealed class OldVersionsResource : Resource
    {
        private const string Serving = "SERVING";
        private const string Stopped = "STOPPED";

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

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            update: new[] { "appengine.versions.update", "appengine.operations.get" },
            delete: new[] { "appengine.versions.update", "appengine.versions.delete", "appengine.operations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan()
        {
            var (kept, delete) = Sort(live!);
            if (kept == null)
            {
                return Unchanged("no older version");
            }
            var stop = kept.ServingStatus == Serving;
            var keeps = $"keeps {kept.Id} for rollback" + (stop ? ", stopped: a serving version bills its VMs even without traffic" : ", stopped");
            if (delete.Count > 0)
            {
                return Delete($"deletes {string.Join(", ", delete)} ({keeps})");
            }
            return stop ? Update(keeps, new Dictionary<string, string> { [kept.Id + ".servingStatus"] = $"{Serving} -> {Stopped}" }) : Unchanged(keeps);
        }

        public override PlannedChange PlanRemoval() => Unchanged("removed with the server version");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            // Traffic has just moved: read again, so a version that still receives traffic is never stopped or deleted.
            locator.Invalidate();
            live = await locator.ObserveAsync(context.CancellationToken).ConfigureAwait(false);
            var (kept, delete) = Sort(live);
            if (kept?.ServingStatus == Serving && !live.ReceivesTraffic(kept.Id))
            {
                context.ReportProgress($"stopping {kept.Id}, kept for rollback");
                await appEngine.SetServingStatusAsync(projectId, live.ServiceId, kept.Id!, Stopped, context.CancellationToken).ConfigureAwait(false);
            }
            foreach (var id in delete)
            {
                context.ReportProgress($"deleting old version {id}");
                // A delete whose answer was lost is sent again and finds the version gone (404, or an operation ending NOT_FOUND).
                await MissingIsRemoved.DeleteAsync(() => appEngine.DeleteVersionAsync(projectId, live.ServiceId, id, context.CancellationToken))
                    .ConfigureAwait(false);
            }
            locator.Invalidate();
        }

        /// <summary>Keeps the wanted version and the newest other one; the rest of the deployment's versions without traffic go.</summary>
        private (AppEngineVersion? Kept, List<string> Delete) Sort(ServerServiceState state)
        {
            var wanted = version.Wanted?.Id;
            if (wanted == null)
            {
                return (null, new List<string>());
            }
            var others = state.OwnVersions
                .Where(v => v.Id != wanted)
                .OrderByDescending(v => state.ReceivesTraffic(v.Id))
                .ThenByDescending(v => v.CreateTime ?? "", StringComparer.Ordinal)
                .ToList();
            var kept = others.FirstOrDefault();
            var delete = others.Skip(1).Where(v => !state.ReceivesTraffic(v.Id)).Select(v => v.Id!).ToList();
            return (kept, delete);
        }
    }
}
