using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Who passes IAP to the deployment's service: roles/iap.httpsResourceAccessor on that service for exactly the
    /// -WebAppUser members and the deployment's own log pusher. A member dropped from the list loses access on the next
    /// run; another deployment's log pusher and any other grant on the service's policy are drift, taken off. While the
    /// deployment moves off the log pusher deployments once shared, that account stays on the list until its people
    /// may sign as the new one (<see cref="SharedLogPusherResource"/> takes it off).
    /// </summary>
    public sealed class IapAccessResource : Resource
    {
        public const string AccessorRole = "roles/iap.httpsResourceAccessor";

        private readonly IapClient iap;
        private readonly ServerServiceLocator locator;
        private readonly ServerSettings settings;
        private readonly IReadOnlyList<string> webUsers;
        private readonly ServiceAccountResource logPusher;
        private readonly DeploymentNames names;
        private ServerServiceState? service;
        private IamPolicy? live;

        public IapAccessResource(IapClient iap, ServerServiceLocator locator, ServerSettings settings, IReadOnlyList<string> webUsers,
            ServiceAccountResource logPusher, DeploymentNames names, ServerVersionResource version)
            : base("iap-access", "IAP access", AccessorRole, version, logPusher)
        {
            this.iap = iap;
            this.locator = locator;
            this.settings = settings;
            this.webUsers = webUsers;
            this.logPusher = logPusher;
            this.names = names;
        }

        /// <summary>The web users let through (Get-MlflowDeployment: as granted now, without log pushers).</summary>
        public IReadOnlyList<string> WebUsers => settings.KeepsWebUsers && live != null
            ? Accessors(live).Where(m => !IsLogPusher(m)).OrderBy(m => m, StringComparer.Ordinal).ToList()
            : webUsers;

        protected override bool Exists => Accessors(live).Count > 0;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iap.web.getIamPolicy" },
            update: new[] { "iap.web.setIamPolicy" },
            delete: new[] { "iap.web.setIamPolicy" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            service = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            live = service.Exists ? await iap.GetServicePolicyAsync(service.Service, cancellationToken).ConfigureAwait(false) : null;
        }

        public override PlannedChange Plan()
        {
            var current = Accessors(live);
            var wanted = Wanted(current);
            var add = wanted.Where(m => !current.Contains(m)).ToList();
            var extra = PolicyGrants.Extra(live, g => Kept(g, wanted));
            if (add.Count == 0 && extra.Count == 0)
            {
                return Unchanged($"{wanted.Count} member(s) on service '{service!.ServiceId}'");
            }
            var change = Update($"service '{service!.ServiceId}': " + MemberSet.Sentence(
                add.Count > 0 ? "grant " + MemberSet.List(add) : null,
                extra.Count > 0 ? "revoke " + string.Join("; ", extra.Select(g => g.Role == AccessorRole && g.Condition == null ? g.Member : g.ToString())) : null),
                MemberSet.Details(add, extra.Select(g => g.Member)));
            // An emptied -WebAppUser list locks every person out: asked about even where other changes are not.
            var lockedOut = current.Any(m => !IsLogPusher(m)) && !wanted.Any(m => !IsLogPusher(m));
            return lockedOut ? HighImpact(change) : change;
        }

        /// <summary>
        /// Revokes who passes IAP to the deployment's service. Nothing on a service without a version of the deployment
        /// (it is another's), and only the deployment's own log pusher where other versions run beside its own.
        /// </summary>
        public override PlannedChange PlanRemoval()
        {
            var current = Accessors(live);
            if (service == null || service.OwnVersions.Count == 0)
            {
                return Unchanged(current.Count > 0 ? $"service '{service?.ServiceId}' runs no version of the deployment: its IAP list is not the deployment's" : "no member granted");
            }
            var revoked = Revoked(current);
            return revoked.Count > 0
                ? Delete($"revokes {AccessorRole} of {MemberSet.List(revoked)} on service '{service.ServiceId}'" +
                         (revoked.Count < current.Count ? "; the others stay for the service's other versions" : ""))
                : Unchanged("no member granted");
        }

        private HashSet<string> Revoked(HashSet<string> current) =>
            service!.Versions.All(locator.IsOwn) ? current : MemberSet.Of(current.Where(m => m == logPusher.Member));

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var removing = context.Change.Action == ChangeAction.Delete;
            var observed = removing ? Revoked(Accessors(live)) : Accessors(live);
            await iap.ServicePolicyEditor(service!.Service).EditAsync(policy =>
            {
                var current = Accessors(policy);
                if (removing)
                {
                    return MemberSet.Edit(policy, AccessorRole, Array.Empty<string>(), observed.Where(current.Contains));
                }
                var wanted = Wanted(current);
                var changed = PolicyGrants.Remove(policy, PolicyGrants.Extra(policy, g => Kept(g, wanted)));
                return MemberSet.Edit(policy, AccessorRole, wanted.Where(m => !current.Contains(m)), Array.Empty<string>()) | changed;
            }, context.CancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The web users (Get-MlflowDeployment: those granted now, but no other deployment's log pusher) and the own log
        /// pusher; the shared one stays while it is listed, until the move off it ends.
        /// </summary>
        private HashSet<string> Wanted(HashSet<string> current)
        {
            var users = settings.KeepsWebUsers ? current.Where(m => !IsLogPusher(m)) : webUsers;
            var wanted = MemberSet.Of(users.Concat(new[] { logPusher.Member }));
            var shared = "serviceAccount:" + names.SharedLogPusherServiceAccountEmail;
            if (current.Contains(shared))
            {
                wanted.Add(shared);
            }
            return wanted;
        }

        private static bool Kept(PolicyGrant grant, HashSet<string> wanted) =>
            grant.Condition == null && grant.Role == AccessorRole && wanted.Contains(grant.Member);

        private static HashSet<string> Accessors(IamPolicy? policy) => MemberSet.Of(policy, AccessorRole);

        /// <summary>A log pusher account of a deployment of this project (NAME-log-pusher or NAME-pusher).</summary>
        private bool IsLogPusher(string member)
        {
            var domain = "@" + names.LogPusherServiceAccountEmail.Split('@')[1];
            if (!member.StartsWith("serviceAccount:", StringComparison.OrdinalIgnoreCase) || !member.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            var id = member.Substring("serviceAccount:".Length, member.Length - "serviceAccount:".Length - domain.Length);
            return id.EndsWith("-log-pusher", StringComparison.Ordinal) || id.EndsWith("-pusher", StringComparison.Ordinal);
        }
    }
}
