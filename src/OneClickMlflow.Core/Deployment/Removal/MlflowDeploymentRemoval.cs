using System;
using System.Collections.Generic;

namespace OneClickMlflow.Deployment.Removal
{
    /// <summary>One resource in a removal report: what it is and what happened to it, in a sentence.</summary>
    public sealed class RemovalItem
    {
        public RemovalItem(string resourceId, string kind, string name, string reason)
        {
            ResourceId = resourceId;
            Kind = kind;
            Name = name;
            Reason = reason;
        }

        public string ResourceId { get; }

        public string Kind { get; }

        public string Name { get; }

        public string Reason { get; }

        public override string ToString() => $"{Kind} '{Name}': {Reason}";
    }

    /// <summary>The backup Cloud SQL took when it deleted the instance, and until when it keeps it.</summary>
    public sealed class FinalBackupInfo
    {
        public FinalBackupInfo(string name, string instance, DateTimeOffset? expiryTime, int? retentionDays)
        {
            Name = name;
            Instance = instance;
            ExpiryTime = expiryTime;
            RetentionDays = retentionDays;
        }

        /// <summary>projects/{project}/backups/{id}: what 'gcloud sql backups restore' takes.</summary>
        public string Name { get; }

        public string Instance { get; }

        public DateTimeOffset? ExpiryTime { get; }

        public int? RetentionDays { get; }

        public override string ToString() =>
            ExpiryTime.HasValue ? $"{Name} (kept until {ExpiryTime.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC)" : Name;
    }

    /// <summary>What Remove-MlflowDeployment did: what it removed, what it kept and why, and the database's final backup.</summary>
    public sealed class MlflowDeploymentRemoval
    {
        public string Name { get; set; } = "";

        public string ProjectId { get; set; } = "";

        /// <summary>Deleted by this run (or gone with something this run deleted).</summary>
        public IReadOnlyList<RemovalItem> Removed { get; set; } = new List<RemovalItem>();

        /// <summary>Still there on purpose, each with the reason.</summary>
        public IReadOnlyList<RemovalItem> Kept { get; set; } = new List<RemovalItem>();

        /// <summary>Declined, skipped, failed or cancelled: still there, and a new run removes it.</summary>
        public IReadOnlyList<RemovalItem> NotRemoved { get; set; } = new List<RemovalItem>();

        public string ArtifactBucket { get; set; } = "";

        /// <summary>Whether the artifacts bucket is still there (with its objects).</summary>
        public bool ArtifactBucketKept { get; set; }

        public string DatabaseInstance { get; set; } = "";

        /// <summary>The final backup of the database instance; null when it was deleted without one (-DeleteData).</summary>
        public FinalBackupInfo? FinalBackup { get; set; }

        /// <summary>
        /// True when Google refused to remove something yet for a passing reason (the peering Cloud SQL holds for days
        /// after its instance is deleted): it is in <see cref="Kept"/> with the reason, and running the removal again later finishes it.
        /// </summary>
        public bool FinishLater { get; set; }

        /// <summary>True when everything the deployment should lose is gone.</summary>
        public bool Complete => NotRemoved.Count == 0 && !FinishLater;

        public DeploymentRunReport? Run { get; set; }
    }
}
