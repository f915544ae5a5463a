using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// A role granted to a service account on the project, for roles that cannot be granted on anything narrower
    /// (roles/cloudsql.client: Cloud SQL instances take no IAM policy).
    /// </summary>
    public sealed class ProjectRoleResource : RoleGrantResource
    {
        private readonly ResourceManagerClient resourceManager;
        private readonly string projectId;

        public ProjectRoleResource(ResourceManagerClient resourceManager, string id, string projectId, string role, ServiceAccountResource account)
            : base(id, "Project IAM binding", $"{projectId} {role}", role, account, account)
        {
            this.resourceManager = resourceManager;
            this.projectId = projectId;
        }

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "resourcemanager.projects.getIamPolicy" }, update: new[] { "resourcemanager.projects.setIamPolicy" }, delete: new[] { "resourcemanager.projects.setIamPolicy" });

        protected override string PolicyHolder => "the project";

        protected override Task<IamPolicy> ReadPolicyAsync(CancellationToken cancellationToken) =>
            resourceManager.GetIamPolicyAsync(projectId, cancellationToken);

        protected override IamPolicyEditor PolicyEditor() => resourceManager.PolicyEditor(projectId);
    }
}
