using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// roles/secretmanager.secretAccessor for the server's account on the password secret only (the secret's own
    /// policy, not the project's).
    /// </summary>
    public sealed class SecretAccessorResource : RoleGrantResource
    {
        public const string AccessorRole = "roles/secretmanager.secretAccessor";

        private readonly SecretManagerClient secrets;
        private readonly DatabasePasswordSecretResource secret;

        public SecretAccessorResource(SecretManagerClient secrets, DatabasePasswordSecretResource secret, ServiceAccountResource account)
            : base("db-password-access", "Secret IAM binding", $"{secret.Name} {AccessorRole}", AccessorRole, account, secret, account)
        {
            this.secrets = secrets;
            this.secret = secret;
        }

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "secretmanager.secrets.getIamPolicy" }, update: new[] { "secretmanager.secrets.setIamPolicy" }, delete: new[] { "secretmanager.secrets.setIamPolicy" });

        protected override string PolicyHolder => "the secret";

        protected override Task<IamPolicy> ReadPolicyAsync(CancellationToken cancellationToken) =>
            secrets.GetIamPolicyAsync(secret.ProjectId, secret.Name, cancellationToken);

        protected override IamPolicyEditor PolicyEditor() => secrets.PolicyEditor(secret.ProjectId, secret.Name);
    }
}
