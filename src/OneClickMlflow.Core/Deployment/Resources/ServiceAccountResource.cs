using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>A service account of the deployment (service accounts take no labels).</summary>
    public sealed class ServiceAccountResource : Resource
    {
        private readonly IamClient iam;
        private readonly string projectId;
        private readonly string displayName;
        private readonly string description;
        private ServiceAccount? live;
        private string? keepReason;

        public ServiceAccountResource(IamClient iam, string id, string projectId, string accountId, string email,
            string displayName, string description, Resource apis)
            : base(id, "Service account", accountId, apis)
        {
            this.iam = iam;
            this.projectId = projectId;
            this.displayName = displayName;
            this.description = description;
            Email = email;
        }

        public string Email { get; }

        /// <summary>The IAM member form, "serviceAccount:EMAIL".</summary>
        public string Member => "serviceAccount:" + Email;

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iam.serviceAccounts.get" },
            create: new[] { "iam.serviceAccounts.create" },
            delete: new[] { "iam.serviceAccounts.delete" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            live = await iam.GetServiceAccountAsync(projectId, Email, cancellationToken).ConfigureAwait(false);
            if (KeepWhile != null)
            {
                keepReason = await KeepWhile(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Read with the account: why a removal must keep it (another deployment still relies on it), or null.</summary>
        public Func<CancellationToken, Task<string?>>? KeepWhile { get; set; }

        public override PlannedChange Plan()
        {
            if (live?.Disabled == true)
            {
                throw Refuse($"the account is disabled. Enable it with 'gcloud iam service-accounts enable {Email}'.");
            }

            return live == null ? Create() : Unchanged("exists");
        }

        public override PlannedChange PlanRemoval() =>
            live == null ? Unchanged("does not exist")
            : keepReason != null ? Unchanged("kept: " + keepReason)
            : Delete("used by this deployment only");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => iam.DeleteServiceAccountAsync(projectId, Email, context.CancellationToken)).ConfigureAwait(false);
                live = null;
                return;
            }

            live = await CreateOnce.EnsureAsync(
                iam, $"{Kind} '{Name}'",
                ct => iam.GetServiceAccountAsync(projectId, Email, ct),
                ct => iam.CreateServiceAccountAsync(projectId, Name, displayName, description, ct),
                context.CancellationToken).ConfigureAwait(false);
        }
    }
}
