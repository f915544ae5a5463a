using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// roles/storage.objectAdmin for the deployment's service accounts, granted on the bucket (not the project),
    /// by read-modify-write of the bucket's policy with its etag.
    /// </summary>
    public sealed class BucketIamResource : Resource
    {
        public const string Role = "roles/storage.objectAdmin";

        private readonly StorageClient storage;
        private readonly ArtifactBucketResource bucket;
        private readonly IReadOnlyList<ServiceAccountResource> accounts;
        private IReadOnlyList<string> missing = new List<string>();

        public BucketIamResource(StorageClient storage, ArtifactBucketResource bucket, params ServiceAccountResource[] accounts)
            : base("bucket-iam", "Bucket IAM binding", $"{bucket.Name} {Role}", new Resource[] { bucket }.Concat(accounts).ToArray())
        {
            this.storage = storage;
            this.bucket = bucket;
            this.accounts = accounts;
        }

        protected override bool Exists => missing.Count < accounts.Count;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "storage.buckets.getIamPolicy" },
            update: new[] { "storage.buckets.setIamPolicy" },
            delete: new[] { "storage.buckets.setIamPolicy" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                var policy = await storage.GetIamPolicyAsync(bucket.Name, cancellationToken).ConfigureAwait(false);
                missing = Members.Where(m => !policy.HasMember(Role, m)).ToList();
            }
            catch (GoogleApiException e) when (e.IsNotFound)
            {
                missing = Members.ToList(); // no bucket (seen by a removal): nothing is granted on it
            }
        }

        public override PlannedChange Plan() => missing.Count == 0
            ? Unchanged("granted")
            : Update($"{Role} not granted on the bucket to {string.Join(", ", missing)}",
                missing.ToDictionary(m => m, _ => Role));

        /// <summary>A removal revokes the accounts' access, so a kept bucket does not list accounts that are gone.</summary>
        public override PlannedChange PlanRemoval() => Exists
            ? Delete($"{Role} granted on the bucket to {string.Join(", ", Members.Except(missing))}")
            : Unchanged("not granted");

        public override Task ApplyAsync(ResourceApplyContext context)
        {
            var revoke = context.Change.Action == ChangeAction.Delete;
            return MissingIsRemoved.DeleteAsync(() => storage.PolicyEditor(bucket.Name).EditAsync(
                policy => Members.Aggregate(false, (changed, member) =>
                    (revoke ? policy.RemoveMember(Role, member) : policy.AddMember(Role, member)) | changed),
                context.CancellationToken));
        }

        private IEnumerable<string> Members => accounts.Select(a => a.Member);
    }
}
