using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The server account may sign as itself, and as nothing else: roles/iam.serviceAccountTokenCreator on its own
    /// policy. MLflow hands clients signed URLs for multipart uploads straight to the bucket (blob.generate_signed_url),
    /// and on App Engine the metadata credentials cannot sign locally: the image signs through IAM signBlob with
    /// google-auth's impersonated credentials of the account itself (iam.serviceAccounts.signBlob, and
    /// getAccessToken for the impersonated token), so artifacts over App Engine's 32 MB request limit never pass through it.
    /// </summary>
    public sealed class ServerSigningResource : RoleGrantResource
    {
        public const string TokenCreatorRole = "roles/iam.serviceAccountTokenCreator";

        private readonly IamClient iam;
        private readonly string projectId;
        private readonly ServiceAccountResource server;

        public ServerSigningResource(IamClient iam, string projectId, ServiceAccountResource server)
            : base("server-signing", "Service account IAM binding", $"{server.Name} {TokenCreatorRole} (itself)", TokenCreatorRole, server, server)
        {
            this.iam = iam;
            this.projectId = projectId;
            this.server = server;
        }

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "iam.serviceAccounts.getIamPolicy" }, update: new[] { "iam.serviceAccounts.setIamPolicy" }, delete: new[] { "iam.serviceAccounts.setIamPolicy" });

        protected override string PolicyHolder => $"{server.Email} itself";

        protected override Task<IamPolicy> ReadPolicyAsync(CancellationToken cancellationToken) =>
            iam.GetServiceAccountPolicyAsync(projectId, server.Email, cancellationToken);

        protected override IamPolicyEditor PolicyEditor() => iam.ServiceAccountPolicyEditor(projectId, server.Email);
    }
}
