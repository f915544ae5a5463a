using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The move of a deployment off the log pusher the project's deployments once shared (mlflow-log-pusher), made after
    /// its own log pusher is on its IAP list and its people may sign as it, so no listed user is ever locked out: the
    /// shared account leaves the deployment's IAP list, the deployment's people lose their token creator grant on it
    /// (those another deployment still lists keep it), and the account is deleted once no deployment relies on it.
    /// The default deployment 'mlflow' owns that account as its own log pusher: nothing to move.
    /// </summary>
    public sealed class SharedLogPusherResource : Resource
    {
        private readonly IamClient iam;
        private readonly IapClient iap;
        private readonly string projectId;
        private readonly ServerServiceLocator locator;
        private readonly SharedLogPusherUse use;
        private readonly string email;
        private ServerServiceState? service;
        private bool listed;
        private HashSet<string> people = MemberSet.Of(Array.Empty<string>());
        private HashSet<string> grantedOnShared = MemberSet.Of(Array.Empty<string>());
        private bool accountExists;
        private SharedLogPusherState? others;

        public SharedLogPusherResource(IamClient iam, IapClient iap, string projectId, DeploymentNames names, ServerServiceLocator locator,
            SharedLogPusherUse use, IapAccessResource iapAccess, KeylessLoggingResource keylessLogging)
            : base("shared-log-pusher", "Shared log pusher", DeploymentNames.SharedLogPusherServiceAccountId, iapAccess, keylessLogging)
        {
            this.iam = iam;
            this.iap = iap;
            this.projectId = projectId;
            this.locator = locator;
            this.use = use;
            email = names.SharedLogPusherServiceAccountEmail;
        }

        private string Member => "serviceAccount:" + email;

        /// <summary>Read at once: what it reads (the IAP lists, the shared account) does not wait on the own log pusher.</summary>
        public override IReadOnlyList<Resource> ObservesAfter => Array.Empty<Resource>();

        protected override bool Exists => listed;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iap.web.getIamPolicy", "iam.serviceAccounts.get", "iam.serviceAccounts.getIamPolicy" },
            update: new[] { "iap.web.setIamPolicy", "iam.serviceAccounts.setIamPolicy", "iam.serviceAccounts.delete" },
            delete: new[] { "iam.serviceAccounts.setIamPolicy", "iam.serviceAccounts.delete" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            service = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            // Only the IAP list of a service running the deployment's versions is its own to change: the service a
            // deployment that never ran would pick may be another's (the default deployment's, whose account this is).
            var accessors = service.OwnVersions.Count > 0
                ? MemberSet.Of(await iap.GetServicePolicyAsync(service.Service, cancellationToken).ConfigureAwait(false), IapAccessResource.AccessorRole)
                : MemberSet.Of(Array.Empty<string>());
            listed = accessors.Contains(Member);
            people = MemberSet.Of(accessors.Where(KeylessLoggingResource.IsPerson));
            others = await use.ObserveAsync(cancellationToken).ConfigureAwait(false);
            accountExists = await iam.GetServiceAccountAsync(projectId, email, cancellationToken).ConfigureAwait(false) != null;
            grantedOnShared = accountExists
                ? MemberSet.Of(await iam.GetServiceAccountPolicyAsync(projectId, email, cancellationToken).ConfigureAwait(false), KeylessLoggingResource.TokenCreatorRole)
                : MemberSet.Of(Array.Empty<string>());
        }

        public override PlannedChange Plan() =>
            listed ? Update("moves off the shared log pusher: " + Steps(), new Dictionary<string, string> { [Member] = "off service '" + service!.ServiceId + "'" })
            : Unchanged("not used: the deployment has its own log pusher");

        public override PlannedChange PlanRemoval() =>
            listed || Revoked().Count > 0 ? Delete(Steps()) : Unchanged("not used by the deployment");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var ct = context.CancellationToken;
            if (listed)
            {
                context.ReportProgress($"taking {email} off the IAP list of service '{service!.ServiceId}'");
                await iap.ServicePolicyEditor(service.Service).EditAsync(policy => policy.RemoveMember(IapAccessResource.AccessorRole, Member), ct)
                    .ConfigureAwait(false);
            }
            var revoke = Revoked();
            if (revoke.Count > 0)
            {
                await MissingIsRemoved.DeleteAsync(() => iam.ServiceAccountPolicyEditor(projectId, email).EditAsync(
                    policy => MemberSet.Edit(policy, KeylessLoggingResource.TokenCreatorRole, Array.Empty<string>(), revoke), ct)).ConfigureAwait(false);
            }
            if (accountExists && others!.Services.Count == 0)
            {
                context.ReportProgress($"deleting {email}: no deployment relies on it any more");
                await MissingIsRemoved.DeleteAsync(() => iam.DeleteServiceAccountAsync(projectId, email, ct)).ConfigureAwait(false);
            }
        }

        /// <summary>This deployment's people holding a grant on the shared account that no other deployment's list needs.</summary>
        private List<string> Revoked() => people.Where(m => grantedOnShared.Contains(m) && !others!.People.Contains(m)).ToList();

        private string Steps()
        {
            var steps = new List<string>();
            if (listed)
            {
                steps.Add($"takes {email} off the IAP list of service '{service!.ServiceId}'");
            }
            var revoke = Revoked();
            if (revoke.Count > 0)
            {
                steps.Add($"revokes {KeylessLoggingResource.TokenCreatorRole} on it from {MemberSet.List(revoke)}");
            }
            if (accountExists)
            {
                steps.Add(others!.Services.Count == 0 ? "deletes it: no deployment relies on it any more" : $"keeps it while {others.Describe()} still list it");
            }
            return string.Join("; ", steps);
        }
    }
}
