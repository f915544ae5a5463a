using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The MySQL user MLflow connects as, and its password in the secret. A password the database already uses is
    /// never replaced; a new one is made only when the user is new or the secret's newest version is not the one the
    /// user was last set to.
    /// </summary>
    /// <remarks>
    /// The secret's <see cref="UserVersionAnnotation"/> annotation records which version the user's password is, so
    /// the deployment can tell without reading the password. A repair sets a new password on the user, adds it as the
    /// newest version, then records that version with the secret's etag as read before the user was changed; the
    /// password lives only in memory between those calls. An interruption anywhere leaves the record behind the newest
    /// version (or missing), which the next run repairs. The record's etag check catches another run that repaired at
    /// the same time (its write changed the etag): this run then repairs again from a fresh read, so the last
    /// recorded version is always the last password set. A version is never sent twice blindly: after a lost answer
    /// the newer versions are read back and compared with the password in memory (the deployer may set that password
    /// on the user anyway, so reading it back grants nothing more).
    /// </remarks>
    public sealed class DatabaseUserResource : Resource
    {
        public const string Host = "%";

        /// <summary>The secret annotation holding the number of the version the user's password is.</summary>
        public const string UserVersionAnnotation = "oneclick-mlflow-user-version";

        private const string Enabled = "ENABLED";
        private const int MaxRepairs = 4;

        private readonly CloudSqlClient sql;
        private readonly SecretManagerClient secrets;
        private readonly SqlInstanceResource instance;
        private readonly DatabasePasswordSecretResource secret;
        private MySqlUser? user;
        private PasswordRecord record = PasswordRecord.Missing;

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
            read: new[] { "cloudsql.users.list", "secretmanager.versions.list", "secretmanager.secrets.get" },
            create: new[] { "cloudsql.users.create", "cloudsql.users.update", "secretmanager.versions.add", "secretmanager.secrets.update", "secretmanager.versions.access" },
            update: new[] { "cloudsql.users.update", "secretmanager.versions.add", "secretmanager.secrets.update", "secretmanager.versions.access" });

        private string ProjectId => secret.ProjectId;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            try
            {
                user = await sql.FindUserAsync(ProjectId, instance.Name, Name, Host, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                user = null; // no instance (seen by a removal): no user either
            }

            record = await ReadRecordAsync(cancellationToken).ConfigureAwait(false);
        }

        public override PlannedChange Plan()
        {
            if (user == null)
            {
                return Create($"does not exist; a new password goes to the user, then to secret '{secret.Name}'",
                    new Dictionary<string, string> { ["host"] = Host, ["passwordSecret"] = secret.ResourceName });
            }
            var problem = record.Problem;
            if (problem == null)
            {
                return Unchanged($"exists; its password is version {record.Newest!.Number} of secret '{secret.Name}'");
            }
            return record.NeedsOnlyRecording
                ? Update($"secret '{secret.Name}' does not record which version the user's password is: version {record.Newest!.Number} is recorded",
                    new Dictionary<string, string> { [UserVersionAnnotation] = record.Newest.Number.ToString() })
                : Update($"{problem}: a new password goes to the user, then to the secret",
                    new Dictionary<string, string> { ["password"] = "replaced", ["passwordSecret"] = secret.ResourceName });
        }

        /// <summary>The user goes with the instance.</summary>
        public override PlannedChange PlanRemoval() => Unchanged(user == null ? "does not exist" : InstanceContents.Reason);

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            // Once this run has set the user and another run's record got in first, what the record says is no longer
            // proof: the other run may have set the user before this one did. Only a record of this run's own makes it.
            var setUserSinceRecord = false;
            for (var repair = 1; repair <= MaxRepairs; repair++)
            {
                // Decided from a fresh read: another run may have repaired the password since the plan.
                user = await sql.FindUserAsync(ProjectId, instance.Name, Name, Host, cancellationToken).ConfigureAwait(false);
                record = await ReadRecordAsync(cancellationToken).ConfigureAwait(false);
                if (user != null && record.Problem == null && !setUserSinceRecord)
                {
                    return;
                }
                if (user != null && record.NeedsOnlyRecording && !setUserSinceRecord)
                {
                    if (await TryRecordAsync(record.Newest!.Number, record.Etag, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                    continue;
                }

                var etagBeforeUserChange = record.Etag;
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
                setUserSinceRecord = true;

                context.ReportProgress($"storing the password in secret '{secret.Name}'");
                var added = await AddVersionOnceAsync(password, record.Newest?.Number ?? 0, cancellationToken).ConfigureAwait(false);
                if (await TryRecordAsync(added, etagBeforeUserChange, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
                context.ReportProgress("another run changed the password at the same time: setting it again");
            }
            throw new System.InvalidOperationException(
                $"The password of database user '{Name}' kept changing while it was being set ({MaxRepairs} attempts): another run of this " +
                "deployment is changing it at the same time. Wait for it to finish, then run the command again.");
        }

        /// <summary>
        /// Creates the user. After a transient failure or a conflict the user is read again: when an attempt whose
        /// answer was lost (or another run) made it, this password is set on it; otherwise the insert is sent again.
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

        /// <summary>
        /// Adds the version and returns its number. After a failure the versions newer than <paramref name="newestBefore"/>
        /// are read again and compared with the password in memory: one that holds it is this write having landed; only
        /// when none does, the write is sent again. (Another run's version is never taken for this one's.)
        /// </summary>
        private async Task<long> AddVersionOnceAsync(string password, long newestBefore, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return (await secrets.AddVersionAsync(ProjectId, secret.Name, password, cancellationToken).ConfigureAwait(false)).Number;
                }
                catch (System.Exception e) when (attempt < CreateOnce.MaxAttempts && CreateOnce.IsWorthReReading(e))
                {
                    await CreateOnce.BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    var versions = await secrets.ListVersionsAsync(ProjectId, secret.Name, cancellationToken).ConfigureAwait(false);
                    foreach (var newer in (versions ?? new List<SecretVersion>()).Where(v => v.Number > newestBefore && v.State == Enabled).OrderBy(v => v.Number))
                    {
                        var value = await secrets.AccessVersionAsync(ProjectId, secret.Name, cancellationToken, newer.Number.ToString()).ConfigureAwait(false);
                        if (value == password)
                        {
                            return newer.Number;
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Records <paramref name="version"/> as the user's password if the secret is unchanged since <paramref name="etag"/>;
        /// false when another run changed it meanwhile. A lost answer is followed by a read: the record may have landed.
        /// </summary>
        private async Task<bool> TryRecordAsync(long version, string? etag, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                var annotations = record.Annotations.ToDictionary(a => a.Key, a => a.Value);
                annotations[UserVersionAnnotation] = version.ToString();
                try
                {
                    await secrets.SetAnnotationsAsync(ProjectId, secret.Name, annotations, etag, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (GoogleCloudApiException e) when (e.IsFailedPrecondition)
                {
                    var now = await ReadRecordAsync(cancellationToken).ConfigureAwait(false);
                    // The lost answer of an earlier attempt of this very write changed the etag: it landed.
                    return attempt > 1 && now.RecordedVersion == version && now.Newest?.Number == version;
                }
                catch (System.Exception e) when (attempt < CreateOnce.MaxAttempts && CreateOnce.IsWorthReReading(e))
                {
                    await CreateOnce.BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task<PasswordRecord> ReadRecordAsync(CancellationToken cancellationToken)
        {
            var container = await secrets.GetSecretAsync(ProjectId, secret.Name, cancellationToken).ConfigureAwait(false);
            var versions = container == null ? null : await secrets.ListVersionsAsync(ProjectId, secret.Name, cancellationToken).ConfigureAwait(false);
            return new PasswordRecord(container, versions?.OrderByDescending(v => v.Number).FirstOrDefault());
        }

        /// <summary>The secret as read: its newest version, and which version its annotation says the user's password is.</summary>
        private sealed class PasswordRecord
        {
            public static readonly PasswordRecord Missing = new PasswordRecord(null, null);

            public PasswordRecord(Secret? container, SecretVersion? newest)
            {
                Newest = newest;
                Etag = container?.Etag;
                Annotations = container?.Annotations ?? new Dictionary<string, string>();
                RecordedVersion = Annotations.TryGetValue(UserVersionAnnotation, out var text) && long.TryParse(text, out var number) ? number : (long?)null;
            }

            public SecretVersion? Newest { get; }

            public string? Etag { get; }

            public IReadOnlyDictionary<string, string> Annotations { get; }

            public long? RecordedVersion { get; }

            /// <summary>
            /// A secret made before the record existed: its newest enabled version is what earlier runs set on the
            /// user (they wrote it right after), so it is recorded, not replaced.
            /// </summary>
            public bool NeedsOnlyRecording => RecordedVersion == null && Newest?.State == Enabled;

            /// <summary>Why the newest version cannot be taken for the user's password, or null when it is.</summary>
            public string? Problem =>
                Newest == null ? "the secret has no version"
                : Newest.State != Enabled ? $"the secret's newest version {Newest.Number} is {Newest.State}"
                : RecordedVersion == null ? "the secret does not record which version the user's password is"
                : RecordedVersion != Newest.Number
                    ? $"the secret's newest version is {Newest.Number}, but the user was last set to version {RecordedVersion}"
                    : null;
        }
    }
}
