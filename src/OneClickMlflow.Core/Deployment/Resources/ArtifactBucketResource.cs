using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The artifacts bucket in the deployment's region: uniform bucket-level access, public access prevention
    /// enforced, versioning on with a lifecycle rule that deletes noncurrent versions after a number of days (so a
    /// deleted or overwritten artifact can be got back for that long, and the bill does not grow forever), the
    /// deployment's label. Settings changed behind the deployment's back are put
    /// back. It also records the OAuth client the deployment relies on (<see cref="OAuthClientLabel"/>). It holds the
    /// artifacts: a removal keeps it (and only takes the deployment's labels off, so the project no longer lists the
    /// deployment), unless told to delete the data, when its objects go and then the bucket.
    /// </summary>
    public sealed class ArtifactBucketResource : Resource
    {
        private const string Enforced = "enforced";

        private readonly StorageClient storage;
        private readonly string projectId;
        private readonly string region;
        private readonly IReadOnlyDictionary<string, string> labels;
        private readonly int? noncurrentVersionDays;
        private StorageBucket? live;
        private bool ownedElsewhere;

        /// <summary>Days a noncurrent object version is kept when the bucket has no rule yet and none is given.</summary>
        public const int DefaultNoncurrentVersionDays = 30;

        /// <summary>Labels whose value the bucket keeps when it has one, and gets when it has none (a setting left out).</summary>
        public IReadOnlyDictionary<string, string> LabelDefaults { get; set; } = new Dictionary<string, string>();

        /// <summary>The labels as given, with each of <see cref="LabelDefaults"/> as the bucket has it, or its default.</summary>
        private IReadOnlyDictionary<string, string> WantedLabels => labels
            .Concat(LabelDefaults.Where(d => !labels.ContainsKey(d.Key)).Select(d => new KeyValuePair<string, string>(d.Key, LiveLabel(d.Key) ?? d.Value)))
            .ToDictionary(l => l.Key, l => l.Value);

        /// <summary>Whether a removal deletes the bucket and every object in it (-DeleteData) instead of keeping it.</summary>
        public bool DeleteOnRemoval { get; set; }

        /// <param name="noncurrentVersionDays">-NoncurrentVersionDays; null keeps the bucket's rule (or sets the default on a bucket without one).</param>
        public ArtifactBucketResource(StorageClient storage, string projectId, string bucketName, string region,
            IReadOnlyDictionary<string, string> labels, int? noncurrentVersionDays, Resource apis)
            : base("bucket", "Artifacts bucket", bucketName, apis)
        {
            this.storage = storage;
            this.projectId = projectId;
            this.region = region;
            this.labels = labels;
            this.noncurrentVersionDays = noncurrentVersionDays;
        }

        /// <summary>How many days noncurrent versions are kept (as wanted; Get-MlflowDeployment: as the bucket has it).</summary>
        public int NoncurrentVersionDays => noncurrentVersionDays ?? (live == null ? null : OwnRule(live)?.Condition?.DaysSinceNoncurrentTime)
                                            ?? DefaultNoncurrentVersionDays;

        /// <summary>Where MLflow writes artifacts: gs://BUCKET.</summary>
        public string ArtifactDestination => "gs://" + Name; // as DeploymentNames.ArtifactDestination, for this bucket

        protected override bool Exists => live != null;

        /// <summary>With the run lease, an object of this bucket that every changing run reads and writes (replacing it needs delete too).</summary>
        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "storage.buckets.get", "storage.objects.get" },
            create: new[] { "storage.buckets.create", "storage.objects.create", "storage.objects.delete" },
            update: new[] { "storage.buckets.update", "storage.objects.create", "storage.objects.delete" },
            delete: new[] { "storage.buckets.update", "storage.buckets.delete", "storage.objects.list", "storage.objects.delete", "storage.objects.create" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                live = await storage.GetBucketAsync(Name, cancellationToken).ConfigureAwait(false);
                ownedElsewhere = false;
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                // Bucket names are global: a 403 here means another project owns this name.
                live = null;
                ownedElsewhere = true;
            }
        }

        public override PlannedChange Plan()
        {
            if (ownedElsewhere)
            {
                throw Refuse("the bucket name belongs to a bucket this account cannot read (bucket names are global). Choose another -Name.");
            }

            if (live == null)
            {
                return Create("does not exist", new Dictionary<string, string>
                {
                    ["location"] = region,
                    ["uniformBucketLevelAccess"] = "true",
                    ["publicAccessPrevention"] = Enforced,
                    ["versioning"] = "true",
                    ["lifecycle"] = $"delete noncurrent versions after {NoncurrentVersionDays} days",
                    ["labels"] = string.Join(",", WantedLabels.Select(l => $"{l.Key}={l.Value}")),
                });
            }

            if (!string.Equals(live.Location, region, StringComparison.OrdinalIgnoreCase))
            {
                throw Refuse($"the bucket is in {live.Location}, not {region}, and a bucket cannot move. " +
                             "Deploy with -Region " + live.Location?.ToLowerInvariant() + " or choose another -Name.");
            }

            var drift = Drift(live);
            return drift.Count == 0
                ? Unchanged("exists as wanted")
                : Update(string.Join("; ", drift.Select(d => $"{d.Key} is {d.Value.Actual}, want {d.Value.Wanted}")),
                    drift.ToDictionary(d => d.Key, d => $"{d.Value.Actual} -> {d.Value.Wanted}"));
        }

        public override PlannedChange PlanRemoval()
        {
            if (live == null)
            {
                return Unchanged("does not exist");
            }

            if (DeleteOnRemoval)
            {
                return Delete("deleted with every object in it: the artifacts are lost");
            }

            var deploymentLabels = DeploymentLabelKeys.Where(k => live.Labels?.ContainsKey(k) == true).ToList();
            return LabelledAsDeployment
                ? Update($"kept: it holds the artifacts; only its label{(deploymentLabels.Count == 1 ? "" : "s")} {string.Join(" and ", deploymentLabels)} " +
                         $"{(deploymentLabels.Count == 1 ? "is" : "are")} taken off",
                    deploymentLabels.ToDictionary(k => "labels." + k, k => $"{live.Labels![k]} -> removed"))
                : Unchanged("kept: it holds the artifacts");
        }

        /// <summary>The labels that make the bucket a deployment's: its name, the OAuth client it relies on, keyless logging.</summary>
        private static readonly string[] DeploymentLabelKeys = { DeploymentNames.LabelKey, OAuthClientLabel.Key, DeploymentNames.KeylessLoggingLabelKey };

        /// <summary>A label of the bucket as last read (null when the bucket or the label is missing).</summary>
        public string? LiveLabel(string key) => live?.Labels != null && live.Labels.TryGetValue(key, out var value) ? value : null;

        private bool LabelledAsDeployment => live?.Labels?.ContainsKey(DeploymentNames.LabelKey) == true;

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            if (context.Change.Action == ChangeAction.Delete)
            {
                await DeleteWithObjectsAsync(context).ConfigureAwait(false);
                return;
            }

            if (context.Change.Action == ChangeAction.Update && IsRemovalLabelChange(context.Change))
            {
                // A null label value removes the label (JSON merge patch); every other setting stays.
                live = await storage.PatchBucketAsync(Name, new StorageBucket { Labels = DeploymentLabelKeys.ToDictionary(k => k, k => (string)null!) },
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            live = await CreateOnce.EnsureAsync(
                storage, $"{Kind} '{Name}'",
                ct => storage.GetBucketAsync(Name, ct),
                ct => storage.InsertBucketAsync(projectId, Wanted(withLocation: true), ct),
                cancellationToken).ConfigureAwait(false);
            if (Drift(live).Count > 0)
            {
                // Only the managed fields are sent; a patch leaves every other setting and label as it is.
                live = await storage.PatchBucketAsync(Name, Wanted(withLocation: false), cancellationToken).ConfigureAwait(false);
            }
        }

        private static bool IsRemovalLabelChange(PlannedChange change) =>
            change.Details.TryGetValue("labels." + DeploymentNames.LabelKey, out var detail) && detail.EndsWith("-> removed", StringComparison.Ordinal);

        /// <summary>Called before the objects of the bucket are deleted (the run lease, which lives there, stops renewing).</summary>
        public Action? BeforeDeletingObjects { get; set; }

        /// <summary>Every generation of every object, then the bucket (Cloud Storage refuses to delete a bucket that is not empty).</summary>
        private async Task DeleteWithObjectsAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            BeforeDeletingObjects?.Invoke();
            List<StorageObject> objects;
            try
            {
                objects = await storage.ListObjectVersionsAsync(Name, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                live = null;
                return;
            }

            for (var i = 0; i < objects.Count; i++)
            {
                context.ReportProgress($"deleting object {i + 1} of {objects.Count}", objects.Count == 0 ? (int?)null : 100 * i / objects.Count);
                var item = objects[i];
                await MissingIsRemoved.DeleteAsync(() => storage.DeleteObjectAsync(Name, item, cancellationToken)).ConfigureAwait(false);
            }

            await MissingIsRemoved.DeleteAsync(() => storage.DeleteBucketAsync(Name, cancellationToken)).ConfigureAwait(false);
            live = null;
        }

        private StorageBucket Wanted(bool withLocation) => new StorageBucket
        {
            Name = withLocation ? Name : null,
            Location = withLocation ? region.ToUpperInvariant() : null,
            StorageClass = withLocation ? "STANDARD" : null,
            Labels = WantedLabels.ToDictionary(l => l.Key, l => l.Value),
            Versioning = new BucketVersioning { Enabled = true },
            // The lifecycle is replaced as a whole: the bucket's other rules go back as they are, with the deployment's.
            Lifecycle = new BucketLifecycle
            {
                Rule = (live?.Lifecycle?.Rule ?? new List<LifecycleRule>()).Where(r => !IsOwnRule(r))
                    .Concat(new[] { NoncurrentRule(NoncurrentVersionDays) }).ToList(),
            },
            IamConfiguration = new BucketIamConfiguration
            {
                UniformBucketLevelAccess = new BucketToggle { Enabled = true },
                PublicAccessPrevention = Enforced,
            },
        };

        private static LifecycleRule NoncurrentRule(int days) => new LifecycleRule
        {
            Action = new LifecycleAction { Type = "Delete" },
            Condition = new LifecycleCondition { DaysSinceNoncurrentTime = days },
        };

        private static LifecycleRule? OwnRule(StorageBucket bucket) => bucket.Lifecycle?.Rule?.FirstOrDefault(IsOwnRule);

        /// <summary>The deployment's rule: delete, on the days since a version became noncurrent alone.</summary>
        private static bool IsOwnRule(LifecycleRule rule) =>
            rule.Action?.Type == "Delete" && rule.Condition?.DaysSinceNoncurrentTime != null && rule.Condition.Age == null
            && rule.Condition.NumNewerVersions == null && rule.Condition.IsLive == null && (rule.Condition.Other == null || rule.Condition.Other.Count == 0);

        private Dictionary<string, (string Actual, string Wanted)> Drift(StorageBucket bucket)
        {
            var drift = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            if (bucket.IamConfiguration?.UniformBucketLevelAccess?.Enabled != true)
            {
                drift["uniformBucketLevelAccess"] = ("false", "true");
            }

            var prevention = bucket.IamConfiguration?.PublicAccessPrevention ?? "inherited";
            if (prevention != Enforced)
            {
                drift["publicAccessPrevention"] = (prevention, Enforced);
            }

            if (bucket.Versioning?.Enabled != true)
            {
                drift["versioning"] = ("false", "true");
            }

            var days = OwnRule(bucket)?.Condition?.DaysSinceNoncurrentTime;
            if (days != NoncurrentVersionDays)
            {
                drift["lifecycle.noncurrentVersionDays"] = (days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", NoncurrentVersionDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (var label in WantedLabels)
            {
                string? actual = null;
                if (bucket.Labels?.TryGetValue(label.Key, out actual) != true || actual != label.Value)
                {
                    drift["labels." + label.Key] = (actual ?? "missing", label.Value);
                }
            }

            return drift;
        }
    }
}
