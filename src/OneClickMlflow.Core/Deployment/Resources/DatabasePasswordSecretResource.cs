using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The Secret Manager secret that holds the database user's password (automatic replication, the deployment's
    /// label). Only the container: the value is written by <see cref="DatabaseUserResource"/>, right after it sets
    /// the password on the user.
    /// </summary>
    public sealed class DatabasePasswordSecretResource : Resource
    {
        private readonly SecretManagerClient secrets;
        private readonly string projectId;
        private readonly IReadOnlyDictionary<string, string> labels;
        private Secret? live;

        public DatabasePasswordSecretResource(SecretManagerClient secrets, string projectId, string secretId,
            IReadOnlyDictionary<string, string> labels, Resource apis)
            : base("db-password-secret", "Secret", secretId, apis)
        {
            this.secrets = secrets;
            this.projectId = projectId;
            this.labels = labels;
        }

        /// <summary>projects/PROJECT/secrets/ID: what the server reads its password from (a name, never the value).</summary>
        public string ResourceName => SecretManagerClient.SecretResourceName(projectId, Name);

        public string ProjectId => projectId;

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "secretmanager.secrets.get" },
            create: new[] { "secretmanager.secrets.create" },
            delete: new[] { "secretmanager.secrets.delete" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await secrets.GetSecretAsync(projectId, Name, cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan() => live == null
            ? Create("does not exist", new Dictionary<string, string>
            {
                ["replication"] = "automatic",
                ["labels"] = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")),
            })
            : Unchanged("exists");

        /// <summary>The password is of no use once the instance (and its user) is gone.</summary>
        public override PlannedChange PlanRemoval() =>
            live == null ? Unchanged("does not exist") : Delete("holds the password of the database user, which goes with the instance");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            if (context.Change.Action == ChangeAction.Delete)
            {
                await MissingIsRemoved.DeleteAsync(() => secrets.DeleteSecretAsync(projectId, Name, context.CancellationToken)).ConfigureAwait(false);
                live = null;
                return;
            }

            live = await CreateOnce.EnsureAsync(
                secrets, $"{Kind} '{Name}'",
                ct => secrets.GetSecretAsync(projectId, Name, ct),
                ct => secrets.CreateSecretAsync(projectId, Name, labels, ct),
                context.CancellationToken).ConfigureAwait(false);
        }
    }
}
