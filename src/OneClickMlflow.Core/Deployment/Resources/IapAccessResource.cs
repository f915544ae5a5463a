using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Who passes IAP to the deployment's service: roles/iap.httpsResourceAccessor on that service granted to exactly
    /// the -WebAppUser members and the log pusher. A member dropped from the list loses access on the next run;
    /// other roles and other services' policies are never touched.
    /// </summary>
    public sealed class IapAccessResource : Resource
    {
        public const string AccessorRole = "roles/iap.httpsResourceAccessor";

        private readonly IapClient iap;
        private readonly ServerServiceLocator locator;
        private readonly ServerSettings settings;
        private readonly IReadOnlyList<string> webUsers;
        private readonly ServiceAccountResource logPusher;
        private ServerServiceState? service;
        private HashSet<string>? live;

        /// <param name="keylessLogging">Reads the members before this resource changes them, so it comes first.</param>
        public IapAccessResource(IapClient iap, ServerServiceLocator locator, ServerSettings settings, IReadOnlyList<string> webUsers,
            ServiceAccountResource logPusher, ServerVersionResource version, KeylessLoggingResource keylessLogging)
            : base("iap-access", "IAP access", AccessorRole, version, logPusher, keylessLogging)
        {
            this.iap = iap;
            this.locator = locator;
            this.settings = settings;
            this.webUsers = webUsers;
            this.logPusher = logPusher;
        }

        /// <summary>The web users let through (Get-MlflowDeployment: as granted now, without the log pusher).</summary>
        public IReadOnlyList<string> WebUsers => settings.FollowLive && live != null
            ? live.Where(m => !string.Equals(m, logPusher.Member, System.StringComparison.OrdinalIgnoreCase)).OrderBy(m => m).ToList()
            : webUsers;

        protected override bool Exists => live?.Count > 0;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iap.web.getIamPolicy" },
            update: new[] { "iap.web.setIamPolicy" },
            delete: new[] { "iap.web.setIamPolicy" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            service = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            live = service.Exists
                ? MemberSet.Of(await iap.GetServicePolicyAsync(service.Service, cancellationToken).ConfigureAwait(false), AccessorRole)
                : new HashSet<string>();
        }

        public override PlannedChange Plan()
        {
            var wanted = Wanted();
            var add = wanted.Except(live!, System.StringComparer.OrdinalIgnoreCase).ToList();
            var remove = live!.Except(wanted, System.StringComparer.OrdinalIgnoreCase).ToList();
            if (add.Count == 0 && remove.Count == 0)
            {
                return Unchanged($"{wanted.Count} member(s) on service '{service!.ServiceId}'");
            }
            return Update($"service '{service!.ServiceId}': " + MemberSet.Sentence(
                add.Count > 0 ? "grant " + MemberSet.List(add) : null,
                remove.Count > 0 ? "revoke " + MemberSet.List(remove) : null), MemberSet.Details(add, remove));
        }

        public override PlannedChange PlanRemoval() => live?.Count > 0
            ? Delete($"revokes {AccessorRole} of {MemberSet.List(live)} on service '{service!.ServiceId}'")
            : Unchanged("no member granted");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var removing = context.Change.Action == ChangeAction.Delete;
            var wanted = removing ? new HashSet<string>() : Wanted();
            await iap.ServicePolicyEditor(service!.Service).EditAsync(policy =>
            {
                var current = MemberSet.Of(policy, AccessorRole);
                var remove = removing ? live!.Where(current.Contains).ToList() : current.Except(wanted, System.StringComparer.OrdinalIgnoreCase).ToList();
                return MemberSet.Edit(policy, AccessorRole, wanted.Except(current, System.StringComparer.OrdinalIgnoreCase), remove);
            }, context.CancellationToken).ConfigureAwait(false);
        }

        private HashSet<string> Wanted() => settings.FollowLive
            ? MemberSet.Of(live!.Count == 0 ? new[] { logPusher.Member } : live.Union(new[] { logPusher.Member }))
            : MemberSet.Of(webUsers.Concat(new[] { logPusher.Member }));
    }
}
