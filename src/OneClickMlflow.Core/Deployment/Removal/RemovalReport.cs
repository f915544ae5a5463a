using System.Collections.Generic;
using System.Linq;
using OneClickMlflow.Deployment.Resources;

namespace OneClickMlflow.Deployment.Removal
{
    /// <summary>Sorts a removal run's records into removed, kept (with why) and not removed.</summary>
    internal static class RemovalReport
    {
        private static readonly HashSet<string> NothingThere = new HashSet<string> { "does not exist", "not granted" };

        public static MlflowDeploymentRemoval Build(MlflowDeploymentGraph graph, DeploymentRunReport run, FinalBackupInfo? finalBackup)
        {
            var removed = new List<RemovalItem>();
            var kept = new List<RemovalItem>();
            var notRemoved = new List<RemovalItem>();
            var instanceGone = run.Resources.Any(r => r.ResourceId == graph.DatabaseInstance.Id && IsDone(r) && r.Action == ChangeAction.Delete);
            foreach (var record in run.Resources)
            {
                var change = record.Change;
                if (record.Outcome == ResourceOutcome.Deferred)
                {
                    kept.Add(Item(change, record.Message ?? "kept for now: a later removal finishes it"));
                }
                else if (!IsDone(record) && change.Action != ChangeAction.None)
                {
                    notRemoved.Add(Item(change, $"{record.Outcome.ToString().ToLowerInvariant()}: {record.Message}"));
                }
                else if (change.Action == ChangeAction.Delete)
                {
                    removed.Add(Item(change, change.Reason));
                }
                else if (change.Reason == InstanceContents.Reason)
                {
                    (instanceGone ? removed : kept).Add(Item(change, instanceGone ? "deleted with the Cloud SQL instance" : "kept with the Cloud SQL instance"));
                }
                else if (!NothingThere.Contains(change.Reason))
                {
                    kept.Add(Item(change, change.Reason));
                }
            }

            var bucketDeleted = removed.Any(r => r.ResourceId == graph.Bucket.Id);
            var bucketAbsent = run.Resources.Any(r => r.ResourceId == graph.Bucket.Id && r.Change.Reason == "does not exist");
            return new MlflowDeploymentRemoval
            {
                Name = graph.Spec.Names.Name,
                ProjectId = graph.Spec.ProjectId,
                Removed = removed,
                Kept = kept,
                NotRemoved = notRemoved,
                ArtifactBucket = graph.Bucket.Name,
                ArtifactBucketKept = !bucketDeleted && !bucketAbsent,
                DatabaseInstance = graph.DatabaseInstance.Name,
                FinalBackup = finalBackup,
                FinishLater = run.Deferred.Count > 0,
                Run = run,
            };
        }

        private static bool IsDone(ResourceRunRecord record) =>
            record.Outcome == ResourceOutcome.Succeeded || record.Outcome == ResourceOutcome.Unchanged;

        private static RemovalItem Item(PlannedChange change, string reason) => new RemovalItem(change.ResourceId, change.Kind, change.Name, reason);
    }
}
