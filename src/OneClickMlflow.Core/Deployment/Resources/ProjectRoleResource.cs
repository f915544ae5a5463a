using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// A role granted to a service account on the project, for roles that cannot be granted on anything narrower
    /// (roles/cloudsql.client: Cloud SQL instances take no IAM policy). Read-modify-write with the policy's etag.
    /// </summary>
    public sealed class ProjectRoleResource : Resource
    {
        private readonly ResourceManagerClient resourceManager;
        private readonly string projectId;
        private readonly string role;
        private readonly ServiceAccountResource account;
        private bool granted;

        public ProjectRoleResource(ResourceManagerClient resourceManager, string id, string projectId, string role, ServiceAccountResource account)
            : base(id, "Project IAM binding", $"{projectId} {role}", account)
        {
            this.resourceManager = resourceManager;
            this.projectId = projectId;
            this.role = role;
            this.account = account;
        }

        protected override bool Exists => granted;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var policy = await resourceManager.GetIamPolicyAsync(projectId, cancellationToken).ConfigureAwait(false);
            granted = policy.HasMember(role, account.Member);
        }

        public override PlannedChange Plan() => granted
            ? Unchanged("granted")
            : Update($"{role} not granted on the project to {account.Member}", new Dictionary<string, string> { [account.Member] = role });

        /// <summary>A removal leaves project bindings to whoever removes the account.</summary>
        public override PlannedChange PlanRemoval() => Unchanged("not removed with the deployment's resources");

        public override Task ApplyAsync(ResourceApplyContext context) =>
            PolicyGrant.GrantAsync(resourceManager.PolicyEditor(projectId), role, account.Member, context.CancellationToken);
    }
}
