using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// One role for one service account in one IAM policy (a secret's, the project's...): read to plan, then
    /// read-modify-write with the policy's etag (<see cref="IamPolicyEditor"/>, which starts again after a transient failure).
    /// </summary>
    public abstract class RoleGrantResource : Resource
    {
        private readonly ServiceAccountResource account;
        private bool granted;

        protected RoleGrantResource(string id, string kind, string name, string role, ServiceAccountResource account, params Resource[] dependsOn)
            : base(id, kind, name, dependsOn)
        {
            Role = role;
            this.account = account;
        }

        public string Role { get; }

        /// <summary>Where the role is granted, for the plan's reason ("the secret", "the project").</summary>
        protected abstract string PolicyHolder { get; }

        protected override bool Exists => granted;

        protected abstract Task<IamPolicy> ReadPolicyAsync(CancellationToken cancellationToken);

        protected abstract IamPolicyEditor PolicyEditor();

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                var policy = await ReadPolicyAsync(cancellationToken).ConfigureAwait(false);
                granted = policy.HasMember(Role, account.Member);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                granted = false; // what holds the policy is gone (seen by a removal): so is the grant
            }
        }

        public override PlannedChange Plan() => granted
            ? Unchanged("granted")
            : Update($"{Role} not granted on {PolicyHolder} to {account.Member}", new Dictionary<string, string> { [account.Member] = Role });

        public override PlannedChange PlanRemoval() =>
            granted ? Delete($"{Role} granted on {PolicyHolder} to {account.Member}") : Unchanged("not granted");

        /// <summary>The etag makes a repeated write safe, and the editor's fresh read shows whether a write that failed landed.</summary>
        public override Task ApplyAsync(ResourceApplyContext context)
        {
            var revoke = context.Change.Action == ChangeAction.Delete;
            return MissingIsRemoved.DeleteAsync(() => PolicyEditor().EditAsync(
                policy => revoke ? policy.RemoveMember(Role, account.Member) : policy.AddMember(Role, account.Member),
                context.CancellationToken));
        }
    }
}
