using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Keyless logging: each user: or group: web user may mint tokens as the log pusher
    /// (roles/iam.serviceAccountTokenCreator on that account only), so runs are logged with people's own
    /// credentials and no key file. The web users of the last run are read from the service's IAP policy before it
    /// changes: a member dropped from -WebAppUser, or everyone when keyless logging is turned off, loses the grant;
    /// grants this deployment did not make (another deployment's users, administrators) stay.
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
        private HashSet<string> previousUsers = MemberSet.Of(Array.Empty<string>());
        private HashSet<string> granted = MemberSet.Of(Array.Empty<string>());

        public KeylessLoggingResource(IamClient iam, IapClient iap, string projectId, ServerServiceLocator locator, ServerSettings settings,
            IReadOnlyList<string> webUsers, ServiceAccountResource logPusher, ServerVersionResource version)
            : base("keyless-logging", "Token creator grants", logPusher.Email, version, logPusher)
        {
            this.iam = iam;
            this.iap = iap;
            this.projectId = projectId;
            this.locator = locator;
            this.settings = settings;
            this.webUsers = webUsers;
            this.logPusher = logPusher;
        }

        /// <summary>Whether web users may mint log pusher tokens (as wanted, or for Get-MlflowDeployment as granted).</summary>
        public bool Enabled => settings.FollowLive ? previousUsers.Any(granted.Contains) : settings.KeylessLogging;

        protected override bool Exists => previousUsers.Any(granted.Contains);

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iap.web.getIamPolicy", "iam.serviceAccounts.getIamPolicy" },
            update: new[] { "iam.serviceAccounts.setIamPolicy" },
            delete: new[] { "iam.serviceAccounts.setIamPolicy" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var service = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            previousUsers = service.Exists
                ? MemberSet.Of(MemberSet.Of(await iap.GetServicePolicyAsync(service.Service, cancellationToken).ConfigureAwait(false),
                    IapAccessResource.AccessorRole).Where(IsPerson))
                : MemberSet.Of(Array.Empty<string>());
            try
            {
                granted = MemberSet.Of(await iam.GetServiceAccountPolicyAsync(projectId, logPusher.Email, cancellationToken).ConfigureAwait(false),
                    TokenCreatorRole);
            }
            catch (GoogleApiException e) when (e.IsNotFound)
            {
                granted = MemberSet.Of(Array.Empty<string>());
            }
        }

        public override PlannedChange Plan()
        {
            if (settings.FollowLive)
            {
                return Unchanged(Enabled ? "web users may mint log pusher tokens" : "off");
            }
            var (add, remove) = Changes(granted);
            if (add.Count == 0 && remove.Count == 0)
            {
                return Unchanged(settings.KeylessLogging ? $"{Wanted().Count} web user(s) may mint log pusher tokens" : "off");
            }
            return Update(MemberSet.Sentence(
                add.Count > 0 ? $"grant {TokenCreatorRole} on the log pusher to {MemberSet.List(add)}" : null,
                remove.Count > 0 ? $"revoke it from {MemberSet.List(remove)}" : null), MemberSet.Details(add, remove));
        }

        public override PlannedChange PlanRemoval()
        {
            var remove = previousUsers.Where(granted.Contains).ToList();
            return remove.Count == 0 ? Unchanged("no grant to remove") : Delete($"revokes {TokenCreatorRole} on the log pusher from {MemberSet.List(remove)}");
        }

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var removing = context.Change.Action == ChangeAction.Delete;
            await iam.ServiceAccountPolicyEditor(projectId, logPusher.Email).EditAsync(policy =>
            {
                var current = MemberSet.Of(policy, TokenCreatorRole);
                var (add, remove) = removing ? (new List<string>(), previousUsers.Where(current.Contains).ToList()) : Changes(current);
                return MemberSet.Edit(policy, TokenCreatorRole, add, remove);
            }, context.CancellationToken).ConfigureAwait(false);
        }

        private (List<string> Add, List<string> Remove) Changes(HashSet<string> current)
        {
            var wanted = Wanted();
            var add = wanted.Where(m => !current.Contains(m)).ToList();
            var remove = previousUsers.Where(m => current.Contains(m) && !wanted.Contains(m)).ToList();
            return (add, remove);
        }

        private HashSet<string> Wanted() => settings.KeylessLogging ? MemberSet.Of(webUsers.Where(IsPerson)) : MemberSet.Of(Array.Empty<string>());

        private static bool IsPerson(string member) =>
            member.StartsWith("user:", StringComparison.OrdinalIgnoreCase) || member.StartsWith("group:", StringComparison.OrdinalIgnoreCase);
    }
}
