using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// roles/secretmanager.secretAccessor for the server's account on the password secret only (the secret's own
    /// policy, not the project's), by read-modify-write with its etag.
    /// </summary>
    public sealed class SecretAccessorResource : Resource
    {
        public const string Role = "roles/secretmanager.secretAccessor";

        private readonly SecretManagerClient secrets;
        private readonly DatabasePasswordSecretResource secret;
        private readonly ServiceAccountResource account;
        private bool granted;

        public SecretAccessorResource(SecretManagerClient secrets, DatabasePasswordSecretResource secret, ServiceAccountResource account)
            : base("db-password-access", "Secret IAM binding", $"{secret.Name} {Role}", secret, account)
        {
            this.secrets = secrets;
            this.secret = secret;
            this.account = account;
        }

        protected override bool Exists => granted;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            var policy = await secrets.GetIamPolicyAsync(secret.ProjectId, secret.Name, cancellationToken).ConfigureAwait(false);
            granted = policy.HasMember(Role, account.Member);
        }

        public override PlannedChange Plan() => granted
            ? Unchanged("granted")
            : Update($"{Role} not granted on the secret to {account.Member}", new Dictionary<string, string> { [account.Member] = Role });

        /// <summary>The binding goes with the secret, which a removal keeps.</summary>
        public override PlannedChange PlanRemoval() => Unchanged("kept with the secret");

        public override Task ApplyAsync(ResourceApplyContext context) =>
            PolicyGrant.GrantAsync(secrets.PolicyEditor(secret.ProjectId, secret.Name), Role, account.Member, context.CancellationToken);
    }
}
