using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Who may use the artifacts bucket: the server account alone, with roles/storage.objectUser (read, create and
    /// delete objects; no bucket settings, no IAM). Clients reach artifacts only through the server, which proxies them
    /// (--serve-artifacts), so the log pusher and the people who may act as it hold nothing here. Any other grant is
    /// drift, taken off by a re-run; the project convenience bindings Google puts on every bucket stay.
    /// </summary>
    public sealed class BucketIamResource : Resource
    {
        public const string Role = "roles/storage.objectUser";

        private readonly StorageClient storage;
        private readonly ArtifactBucketResource bucket;
        private readonly ServiceAccountResource server;
        private IamPolicy? live;

        public BucketIamResource(StorageClient storage, ArtifactBucketResource bucket, ServiceAccountResource server)
            : base("bucket-iam", "Bucket IAM policy", $"{bucket.Name} {Role}", bucket, server)
        {
            this.storage = storage;
            this.bucket = bucket;
            this.server = server;
        }

        private bool Granted => live?.HasMember(Role, server.Member) == true;

        protected override bool Exists => Granted;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "storage.buckets.getIamPolicy" },
            update: new[] { "storage.buckets.setIamPolicy" },
            delete: new[] { "storage.buckets.setIamPolicy" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                live = await storage.GetIamPolicyAsync(bucket.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                live = null; // no bucket (seen by a removal): nothing is granted on it
            }
        }

        public override PlannedChange Plan()
        {
            var extra = PolicyGrants.Extra(live, Wanted);
            if (Granted && extra.Count == 0)
            {
                return Unchanged($"only {server.Member} may use the objects");
            }
            var details = extra.ToDictionary(g => g.Member + " " + g.Role, _ => "revoke");
            if (!Granted)
            {
                details[server.Member] = Role;
            }
            return Update(MemberSet.Sentence(Granted ? null : $"{Role} not granted on the bucket to {server.Member}",
                extra.Count > 0 ? PolicyGrants.Sentence(extra) : null), details);
        }

        /// <summary>A removal revokes the server's access, so a kept bucket does not list an account that is gone.</summary>
        public override PlannedChange PlanRemoval() => Granted
            ? Delete($"{Role} granted on the bucket to {server.Member}")
            : Unchanged("not granted");

        public override Task ApplyAsync(ResourceApplyContext context)
        {
            var revoke = context.Change.Action == ChangeAction.Delete;
            return MissingIsRemoved.DeleteAsync(() => storage.PolicyEditor(bucket.Name).EditAsync(policy =>
                revoke ? policy.RemoveMember(Role, server.Member)
                    : PolicyGrants.Remove(policy, PolicyGrants.Extra(policy, Wanted)) | policy.AddMember(Role, server.Member),
                context.CancellationToken));
        }

        /// <summary>The server's role, and Google's project convenience bindings (projectOwner:, projectEditor:, projectViewer:).</summary>
        private bool Wanted(PolicyGrant grant) =>
            (grant.Condition == null && grant.Role == Role && string.Equals(grant.Member, server.Member, StringComparison.OrdinalIgnoreCase))
            || grant.Member.StartsWith("projectOwner:", StringComparison.Ordinal)
            || grant.Member.StartsWith("projectEditor:", StringComparison.Ordinal)
            || grant.Member.StartsWith("projectViewer:", StringComparison.Ordinal);
    }
}
