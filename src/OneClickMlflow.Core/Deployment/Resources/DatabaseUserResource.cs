using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The MySQL user MLflow connects as, and its password in the secret. A password the database already uses is
    /// never replaced; a new one is made only when the user is new or the secret holds no usable version.
    /// </summary>
    /// <remarks>
    /// Order of writes, so that no interruption leaves the user and the secret out of step for good:
    /// the secret container exists first (a dependency); then the password is set on the user (insert or
    /// users.update); then it is added as the secret's newest version. The password lives only in memory between
    /// those two calls. If a run stops after the user change and before the version is added, the next run finds
    /// the user with a secret whose latest version is missing (or not enabled) and does both steps again with a
    /// fresh password, which puts them back in step. The other order (version first) could leave a secret whose
    /// value the database never accepted while the next run saw nothing to repair.
    /// </remarks>
    public sealed class DatabaseUserResource : Resource
    {
        public const string Host = "%";
        private const string Enabled = "ENABLED";

        private readonly CloudSqlClient sql;
        private readonly SecretManagerClient secrets;
        private readonly SqlInstanceResource instance;
        private readonly DatabasePasswordSecretResource secret;
        private MySqlUser? user;
        private bool secretUsable;

        public DatabaseUserResource(CloudSqlClient sql, SecretManagerClient secrets, SqlInstanceResource instance,
            DatabasePasswordSecretResource secret)
            : base("sql-user", "Cloud SQL user", DeploymentNames.DatabaseUserName, instance, secret)
        {
            this.sql = sql;
            this.secrets = secrets;
            this.instance = instance;
            this.secret = secret;
        }

        protected override bool Exists => user != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "cloudsql.users.list", "secretmanager.versions.list" },
            create: new[] { "cloudsql.users.create", "cloudsql.users.update", "secretmanager.versions.add" },
            update: new[] { "cloudsql.users.update", "secretmanager.versions.add" });

        private string ProjectId => secret.ProjectId;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                user = await sql.FindUserAsync(ProjectId, instance.Name, Name, Host, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException e) when (e.IsNotFound)
            {
                user = null; // no instance (seen by a removal): no user either
            }

            secretUsable = await SecretUsableAsync(cancellationToken).ConfigureAwait(false);
        }

        public override PlannedChange Plan()
        {
            if (user == null)
            {
                return Create($"does not exist; a new password goes to the user, then to secret '{secret.Name}'",
                    new Dictionary<string, string> { ["host"] = Host, ["passwordSecret"] = secret.ResourceName });
            }

            return secretUsable
                ? Unchanged($"exists; its password is in secret '{secret.Name}'")
                : Update($"secret '{secret.Name}' has no enabled latest version: a new password goes to the user, then to the secret",
                    new Dictionary<string, string> { ["password"] = "replaced", ["passwordSecret"] = secret.ResourceName });
        }

        /// <summary>The user goes with the instance.</summary>
        public override PlannedChange PlanRemoval() => Unchanged(user == null ? "does not exist" : InstanceContents.Reason);

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            // Decided from a fresh read: another run may have repaired the password since the plan.
            user = await sql.FindUserAsync(ProjectId, instance.Name, Name, Host, cancellationToken).ConfigureAwait(false);
            secretUsable = await SecretUsableAsync(cancellationToken).ConfigureAwait(false);
            if (user != null && secretUsable)
            {
                return;
            }

            var password = DatabasePassword.Generate();
            if (user == null)
            {
                await CreateUserAsync(password, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                context.ReportProgress("setting a new password on the user");
                await sql.SetUserPasswordAsync(ProjectId, instance.Name, Name, Host, password, cancellationToken).ConfigureAwait(false);
            }

            context.ReportProgress($"storing the password in secret '{secret.Name}'");
            await secrets.AddVersionAsync(ProjectId, secret.Name, password, cancellationToken).ConfigureAwait(false);
            secretUsable = true;
        }

        /// <summary>
        /// Creates the user. After a transient failure or a conflict the user is read again: when an attempt whose
        /// answer was lost made it (maybe with another password), this password is set on it; otherwise the insert is sent again.
        /// </summary>
        private async Task CreateUserAsync(string password, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await sql.InsertUserAsync(ProjectId, instance.Name, new MySqlUser { Name = Name, Host = Host, Password = password },
                        cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (System.Exception e) when (attempt < CreateOnce.MaxAttempts && CreateOnce.IsWorthReReading(e))
                {
                    user = await sql.FindUserAsync(ProjectId, instance.Name, Name, Host, cancellationToken).ConfigureAwait(false);
                    if (user != null)
                    {
                        await sql.SetUserPasswordAsync(ProjectId, instance.Name, Name, Host, password, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    await CreateOnce.BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Whether the version the server reads ("latest", the newest) exists and is enabled.</summary>
        private async Task<bool> SecretUsableAsync(CancellationToken cancellationToken)
        {
            var versions = await secrets.ListVersionsAsync(ProjectId, secret.Name, cancellationToken).ConfigureAwait(false);
            return versions?.FirstOrDefault()?.State == Enabled;
        }
    }
}
