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
    /// enforced, versioning on, the deployment's label. Settings changed behind the deployment's back are put
    /// back. It holds the artifacts, so nothing here ever deletes it or its objects.
    /// </summary>
    public sealed class ArtifactBucketResource : Resource
    {
        private const string Enforced = "enforced";

        private readonly StorageClient storage;
        private readonly string projectId;
        private readonly string region;
        private readonly IReadOnlyDictionary<string, string> labels;
        private StorageBucket? live;
        private bool ownedElsewhere;

        public ArtifactBucketResource(StorageClient storage, string projectId, string bucketName, string region,
            IReadOnlyDictionary<string, string> labels, Resource apis)
            : base("bucket", "Artifacts bucket", bucketName, apis)
        {
            this.storage = storage;
            this.projectId = projectId;
            this.region = region;
            this.labels = labels;
        }

        /// <summary>Where MLflow writes artifacts: gs://BUCKET.</summary>
        public string ArtifactDestination => "gs://" + Name;

        protected override bool Exists => live != null;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                live = await storage.GetBucketAsync(Name, cancellationToken).ConfigureAwait(false);
                ownedElsewhere = false;
            }
            catch (GoogleApiException e) when (e.HttpStatus == 403)
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
                    ["labels"] = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")),
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

        /// <summary>The bucket holds the tracking server's artifacts: a removal keeps it.</summary>
        public override PlannedChange PlanRemoval() => Unchanged(live == null ? "does not exist" : "kept: it holds the artifacts");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            live = await CreateOnce.EnsureAsync(
                ct => storage.GetBucketAsync(Name, ct),
                ct => storage.InsertBucketAsync(projectId, Wanted(withLocation: true), ct),
                cancellationToken).ConfigureAwait(false);
            if (Drift(live).Count > 0)
            {
                // Only the managed fields are sent; a patch leaves every other setting and label as it is.
                live = await storage.PatchBucketAsync(Name, Wanted(withLocation: false), cancellationToken).ConfigureAwait(false);
            }
        }

        private StorageBucket Wanted(bool withLocation) => new StorageBucket
        {
            Name = withLocation ? Name : null,
            Location = withLocation ? region.ToUpperInvariant() : null,
            StorageClass = withLocation ? "STANDARD" : null,
            Labels = labels.ToDictionary(l => l.Key, l => l.Value),
            Versioning = new BucketVersioning { Enabled = true },
            IamConfiguration = new BucketIamConfiguration
            {
                UniformBucketLevelAccess = new BucketToggle { Enabled = true },
                PublicAccessPrevention = Enforced,
            },
        };

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

            foreach (var label in labels)
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
