using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The policy of the deployment's own log pusher: keyless logging lets each user: or group: web user mint tokens as
    /// it (roles/iam.serviceAccountTokenCreator on that account only), so runs are logged with people's own credentials
    /// and no key file, and only this deployment's IAP list names the account. Any other grant on the account is drift,
    /// taken off by a re-run. The default deployment's log pusher is the account the project's deployments once shared:
    /// the people of deployments still on it keep their grants until those move to their own.
    /// </summary>
    public sealed class KeylessLoggingResource : Resource
    {
        public const string TokenCreatorRole = "roles/iam.serviceAccountTokenCreator";

        private readonly IamClient iam;
        private readonly IapClient iap;
        private readonly string projectId;
        private readonly ServerServiceLocator locator;
        private readonly ServerSettings settings;
        private readonly IReadOnlyList<string> webUsers;
        private readonly ServiceAccountResource logPusher;
        private readonly SharedLogPusherUse? sharedUse;
        private readonly ArtifactBucketResource bucket;
        private IamPolicy? live;
        private HashSet<string> listed = MemberSet.Of(Array.Empty<string>());
        private HashSet<string> relied = MemberSet.Of(Array.Empty<string>());

        /// <param name="sharedUse">Given when the deployment's own log pusher is the account deployments once shared.</param>
        public KeylessLoggingResource(IamClient iam, IapClient iap, string projectId, ServerServiceLocator locator, ServerSettings settings,
            IReadOnlyList<string> webUsers, ServiceAccountResource logPusher, SharedLogPusherUse? sharedUse, IapAccessResource iapAccess,
            ArtifactBucketResource bucket)
            : base("keyless-logging", "Log pusher IAM policy", logPusher.Email, logPusher, iapAccess, bucket)
        {
            this.bucket = bucket;
            this.iam = iam;
            this.iap = iap;
            this.projectId = projectId;
            this.locator = locator;
            this.settings = settings;
            this.webUsers = webUsers;
            this.logPusher = logPusher;
            this.sharedUse = sharedUse;
        }

        /// <summary>
        /// Whether web users may mint log pusher tokens: as wanted, or (-NoKeylessLogging left out, Get-MlflowDeployment)
        /// as the bucket's label records it (deployments made before the label: whether a listed person holds the grant;
        /// a deployment nobody is let in yet: on).
        /// </summary>
        public bool Enabled => settings.KeepsKeylessLogging ? Recorded ?? (listed.Count == 0 || TokenCreators.Any(listed.Contains)) : settings.KeylessLogging;

        private bool? Recorded => bucket.LiveLabel(DeploymentNames.KeylessLoggingLabelKey) switch
        {
            "on" => true,
            "off" => false,
            _ => null,
        };

        protected override bool Exists => TokenCreators.Count > 0;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iap.web.getIamPolicy", "iam.serviceAccounts.getIamPolicy" },
            update: new[] { "iam.serviceAccounts.setIamPolicy" },
            delete: new[] { "iam.serviceAccounts.setIamPolicy" });

        private HashSet<string> TokenCreators => MemberSet.Of(live, TokenCreatorRole);

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var service = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            listed = service.Exists
                ? MemberSet.Of(MemberSet.Of(await iap.GetServicePolicyAsync(service.Service, cancellationToken).ConfigureAwait(false),
                    IapAccessResource.AccessorRole).Where(IsPerson))
                : MemberSet.Of(Array.Empty<string>());
            relied = sharedUse == null ? MemberSet.Of(Array.Empty<string>()) : (await sharedUse.ObserveAsync(cancellationToken).ConfigureAwait(false)).People;
            try
            {
                live = await iam.GetServiceAccountPolicyAsync(projectId, logPusher.Email, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                live = null;
            }
        }

        public override PlannedChange Plan()
        {
            var wanted = Wanted(TokenCreators);
            var add = wanted.Where(m => !TokenCreators.Contains(m)).ToList();
            var extra = PolicyGrants.Extra(live, g => Kept(g, wanted));
            if (add.Count == 0 && extra.Count == 0)
            {
                return Unchanged(Enabled ? $"{wanted.Count} web user(s) may mint log pusher tokens" : "off");
            }
            return Update(MemberSet.Sentence(
                    add.Count > 0 ? $"grant {TokenCreatorRole} on the log pusher to {MemberSet.List(add)}" : null,
                    extra.Count > 0 ? PolicyGrants.Sentence(extra) : null),
                MemberSet.Details(add, extra.Select(g => g.Member)));
        }

        /// <summary>A removal takes the deployment's people off; those of deployments still on the shared account stay.</summary>
        public override PlannedChange PlanRemoval()
        {
            var remove = TokenCreators.Where(m => !relied.Contains(m)).ToList();
            return remove.Count == 0 ? Unchanged("no grant to remove") : Delete($"revokes {TokenCreatorRole} on the log pusher from {MemberSet.List(remove)}");
        }

        public override Task ApplyAsync(ResourceApplyContext context)
        {
            var removing = context.Change.Action == ChangeAction.Delete;
            return MissingIsRemoved.DeleteAsync(() => iam.ServiceAccountPolicyEditor(projectId, logPusher.Email).EditAsync(policy =>
            {
                var current = MemberSet.Of(policy, TokenCreatorRole);
                if (removing)
                {
                    return MemberSet.Edit(policy, TokenCreatorRole, Array.Empty<string>(), current.Where(m => !relied.Contains(m)));
                }
                var wanted = Wanted(current);
                var changed = PolicyGrants.Remove(policy, PolicyGrants.Extra(policy, g => Kept(g, wanted)));
                return MemberSet.Edit(policy, TokenCreatorRole, wanted.Where(m => !current.Contains(m)), Array.Empty<string>()) | changed;
            }, context.CancellationToken));
        }

        /// <summary>
        /// The web users that are people (when keyless logging is on), and the people of deployments still on the shared
        /// account. Get-MlflowDeployment wants every person the IAP list lets through while keyless logging is on, so a
        /// grant taken away (by hand, or by another deployment's removal) shows as drift.
        /// </summary>
        private HashSet<string> Wanted(HashSet<string> current)
        {
            var people = !Enabled ? Enumerable.Empty<string>() : settings.KeepsWebUsers ? listed : webUsers.Where(IsPerson);
            return MemberSet.Of(people.Concat(settings.FollowLive ? current.Where(relied.Contains) : relied));
        }

        private static bool Kept(PolicyGrant grant, HashSet<string> wanted) =>
            grant.Condition == null && grant.Role == TokenCreatorRole && wanted.Contains(grant.Member);

        internal static bool IsPerson(string member) =>
            member.StartsWith("user:", StringComparison.OrdinalIgnoreCase) || member.StartsWith("group:", StringComparison.OrdinalIgnoreCase);
    }
}
