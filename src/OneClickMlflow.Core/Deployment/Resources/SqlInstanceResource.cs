using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The Cloud SQL for MySQL instance that holds MLflow's runs: ENTERPRISE edition, private IP only through the
    /// deployment's allocated range, TLS required, daily backups with binary logs for point-in-time recovery,
    /// deletion protection on. Tier, version upgrades, backup settings, TLS and labels are changed in place; what
    /// Google cannot change in place (a downgrade, another edition or network) is refused before any call.
    /// A removal turns deletion protection off, then deletes it with a final backup (unless told to keep none).
    /// </summary>
    public sealed class SqlInstanceResource : Resource
    {
        /// <summary>An instance (about 10 minutes) or a flexible version (about 8) bills from its start.</summary>
        public override bool StartsBilledWork => true;

        private const string Runnable = "RUNNABLE";
        private const string EncryptedOnly = "ENCRYPTED_ONLY";
        private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(30);

        private readonly CloudSqlClient sql;
        private readonly string projectId;
        private readonly string region;
        private readonly DatabaseSettings settings;
        private readonly NetworkReference network;
        private readonly PeeringRangeResource range;
        private readonly IReadOnlyDictionary<string, string> labels;
        private DatabaseInstance? live;

        public SqlInstanceResource(CloudSqlClient sql, string projectId, string instanceName, string region, DatabaseSettings settings,
            NetworkReference network, PeeringRangeResource range, IReadOnlyDictionary<string, string> labels,
            PrivateServicesConnectionResource privateServicesAccess)
            : base("sql-instance", "Cloud SQL instance", instanceName, privateServicesAccess)
        {
            this.sql = sql;
            this.projectId = projectId;
            this.region = region;
            this.settings = settings;
            this.network = network;
            this.range = range;
            this.labels = labels;
        }

        /// <summary>How many days a removal's final backup is kept by default (Cloud SQL's own default).</summary>
        public const int DefaultFinalBackupDays = 30;

        /// <summary>Days a removal's final backup is kept (1-365); null deletes the instance without one.</summary>
        public int? FinalBackupRetentionDays { get; set; } = DefaultFinalBackupDays;

        /// <summary>"project:region:instance", as the Cloud SQL connectors and the server's configuration name it.</summary>
        public string ConnectionName => live?.ConnectionName ?? $"{projectId}:{region}:{Name}";

        /// <summary>The instance's private address (known once it runs).</summary>
        public string? PrivateIp => live?.PrivateIp;

        /// <summary>The server CA certificate (PEM) the tracking server verifies the instance with.</summary>
        public string? ServerCaPem => live?.ServerCaCert?.Cert;

        /// <summary>The version the instance runs (as read), or the wanted one before it exists.</summary>
        public string DatabaseVersion => live?.DatabaseVersion ?? settings.Version;

        /// <summary>Whether the instance can take databases and users: it exists and runs.</summary>
        public bool IsRunnable => live?.State == Runnable;

        protected override bool Exists => live != null;

        /// <summary>
        /// Whether observing waits for an operation left running on the instance (a deployment run does; a read-only
        /// Get-MlflowDeployment or a removal, which shows or deletes what is there, does not).
        /// </summary>
        public bool WaitsForPendingOperations { get; set; }

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "cloudsql.instances.get", "cloudsql.instances.list" },
            create: new[] { "cloudsql.instances.create" },
            update: new[] { "cloudsql.instances.update" },
            delete: new[] { "cloudsql.instances.update", "cloudsql.instances.delete", "cloudsql.backupRuns.list" });

        private string PrivateNetwork => $"projects/{network.ProjectId}/global/networks/{network.Name}";

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            live = await sql.GetInstanceAsync(projectId, Name, cancellationToken).ConfigureAwait(false);
            // A stopped run may have left an operation running (a removal's patch or delete): read what it leaves.
            if (live != null && WaitsForPendingOperations && await sql.WaitForPendingOperationsAsync(projectId, Name, null, cancellationToken).ConfigureAwait(false))
            {
                live = await sql.GetInstanceAsync(projectId, Name, cancellationToken).ConfigureAwait(false);
            }
        }

        public override PlannedChange Plan()
        {
            if (live == null)
            {
                return Create("does not exist", new Dictionary<string, string>
                {
                    ["databaseVersion"] = settings.Version,
                    ["edition"] = DatabaseSettings.Edition,
                    ["tier"] = settings.Tier,
                    ["privateNetwork"] = PrivateNetwork,
                    ["allocatedIpRange"] = range.RangeName,
                    ["ipv4Enabled"] = "false",
                    ["sslMode"] = EncryptedOnly,
                    ["backups"] = $"daily, {settings.BackupRetentionDays} kept, point-in-time recovery over {settings.TransactionLogRetentionDays} days",
                    ["deletionProtectionEnabled"] = "true",
                });
            }

            RefuseWhatCannotChangeInPlace(live);
            var drift = Drift(live);
            if (drift.Count > 0)
            {
                return Update(string.Join("; ", drift.Select(d => $"{d.Key} is {d.Value.Actual}, want {d.Value.Wanted}")),
                    drift.ToDictionary(d => d.Key, d => $"{d.Value.Actual} -> {d.Value.Wanted}"));
            }

            return live.State == Runnable
                ? Unchanged("exists as wanted")
                : Update($"is {live.State}: wait until it runs", new Dictionary<string, string> { ["state"] = $"{live.State} -> {Runnable}" });
        }

        public override PlannedChange PlanRemoval()
        {
            if (live == null)
            {
                return Unchanged("does not exist");
            }

            var protection = live.Settings?.DeletionProtectionEnabled == true ? "deletion protection turned off, then " : "";
            return Delete(FinalBackupRetentionDays is int days
                ? $"{protection}deleted with a final backup kept {days} days"
                : $"{protection}deleted WITHOUT a final backup: its runs and metrics are lost");
        }

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var cancellationToken = context.CancellationToken;
            Action<TimeSpan> progress = elapsed => context.ReportProgress($"Cloud SQL is working on '{Name}' ({elapsed.TotalSeconds:0}s)");
            if (context.Change.Action == ChangeAction.Delete)
            {
                await DeleteAsync(progress, cancellationToken).ConfigureAwait(false);
                return;
            }

            live = await CreateOnce.EnsureAsync(
                sql, $"{Kind} '{Name}'",
                ct => sql.GetInstanceAsync(projectId, Name, ct),
                ct => sql.InsertInstanceAsync(projectId, Wanted(), progress, ct),
                cancellationToken).ConfigureAwait(false);
            // The patch carries the settingsVersion read last, so a blind resend of one that landed fails (412): after any
            // failure the instance is read again and patched again only while it still differs.
            live = await sql.Pipeline.RetryCycleAsync(async ct =>
            {
                var current = await WaitUntilRunnableAsync(context).ConfigureAwait(false);
                RefuseWhatCannotChangeInPlace(current);
                if (Drift(current).Count == 0)
                {
                    return current;
                }
                await sql.PatchInstanceAsync(projectId, Name, Patch(current), progress, ct).ConfigureAwait(false);
                return await WaitUntilRunnableAsync(context).ConfigureAwait(false);
            }, e => e is GoogleCloudApiException google && google.HttpStatus == 412, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Deletion protection off (Cloud SQL refuses the delete otherwise), then the delete with its final backup,
        /// each decided from a fresh read so that a run stopped between the two continues where it stopped.
        /// </summary>
        private async Task DeleteAsync(Action<TimeSpan> progress, CancellationToken cancellationToken)
        {
            // Both requests are sent once: after a failure the instance is read again, so a delete (with its final
            // backup) goes only to an instance still there, and one whose answer was lost is not sent twice.
            await sql.Pipeline.RetryCycleAsync(async ct =>
            {
                var current = await sql.GetInstanceAsync(projectId, Name, ct).ConfigureAwait(false);
                if (current != null && current.Settings?.DeletionProtectionEnabled == true)
                {
                    await sql.PatchInstanceAsync(projectId, Name,
                        new DatabaseInstance { Settings = new DatabaseInstanceSettings { DeletionProtectionEnabled = false } },
                        progress, ct).ConfigureAwait(false);
                }
                if (current != null)
                {
                    await MissingIsRemoved.DeleteAsync(() => sql.DeleteInstanceAsync(projectId, Name, FinalBackupRetentionDays, progress, ct))
                        .ConfigureAwait(false);
                }
                return true;
            }, null, cancellationToken).ConfigureAwait(false);
            live = null;
        }

        private DatabaseInstance Wanted() => new DatabaseInstance
        {
            Name = Name,
            Region = region,
            DatabaseVersion = settings.Version,
            Settings = new DatabaseInstanceSettings
            {
                Tier = settings.Tier,
                Edition = DatabaseSettings.Edition,
                IpConfiguration = new SqlIpConfiguration
                {
                    Ipv4Enabled = false,
                    PrivateNetwork = PrivateNetwork,
                    AllocatedIpRange = range.RangeName,
                    SslMode = EncryptedOnly,
                },
                BackupConfiguration = WantedBackups(),
                DeletionProtectionEnabled = true,
                UserLabels = labels.ToDictionary(l => l.Key, l => l.Value),
            },
        };

        /// <summary>Only the managed settings, with the settingsVersion read so that a concurrent change fails rather than being overwritten.</summary>
        private DatabaseInstance Patch(DatabaseInstance current)
        {
            var mergedLabels = new Dictionary<string, string>(current.Settings?.UserLabels ?? new Dictionary<string, string>());
            foreach (var label in labels)
            {
                mergedLabels[label.Key] = label.Value;
            }

            return new DatabaseInstance
            {
                DatabaseVersion = IsUpgrade(current.DatabaseVersion) ? settings.Version : null,
                Settings = new DatabaseInstanceSettings
                {
                    SettingsVersion = current.Settings?.SettingsVersion,
                    Tier = settings.RequestedTier,
                    IpConfiguration = new SqlIpConfiguration { Ipv4Enabled = false, SslMode = EncryptedOnly },
                    BackupConfiguration = WantedBackups(keepRetention: settings.RequestedBackupRetentionDays == null),
                    DeletionProtectionEnabled = true,
                    UserLabels = mergedLabels,
                },
            };
        }

        /// <summary>Backups with binary logs; <paramref name="keepRetention"/> leaves the retention the instance has (a patch merges).</summary>
        private SqlBackupConfiguration WantedBackups(bool keepRetention = false) => new SqlBackupConfiguration
        {
            Enabled = true,
            BinaryLogEnabled = true,
            TransactionLogRetentionDays = keepRetention ? null : settings.TransactionLogRetentionDays,
            BackupRetentionSettings = keepRetention
                ? null
                : new SqlBackupRetention { RetentionUnit = "COUNT", RetainedBackups = settings.BackupRetentionDays },
        };

        /// <summary>Only a version the user asked for is applied to an existing instance.</summary>
        private bool IsUpgrade(string? liveVersion) =>
            settings.RequestedVersion != null && DatabaseSettings.MajorOf(liveVersion) < DatabaseSettings.MajorOf(settings.RequestedVersion);

        private void RefuseWhatCannotChangeInPlace(DatabaseInstance instance)
        {
            var liveMajor = DatabaseSettings.MajorOf(instance.DatabaseVersion);
            if (liveMajor == null)
            {
                throw Refuse($"the instance runs {instance.DatabaseVersion}, not MySQL; choose another -Name.");
            }

            if (settings.RequestedVersion != null && liveMajor > DatabaseSettings.MajorOf(settings.RequestedVersion))
            {
                throw Refuse($"the instance runs {instance.DatabaseVersion} and Cloud SQL cannot downgrade it to {settings.RequestedVersion}. " +
                             $"Deploy with -DatabaseVersion {DatabaseSettings.Versions.Last(v => DatabaseSettings.MajorOf(v) <= liveMajor)}.");
            }

            var edition = instance.Settings?.Edition;
            if (edition != null && edition != DatabaseSettings.Edition)
            {
                throw Refuse($"the instance is of the {edition} edition, not {DatabaseSettings.Edition}; this deployment does not change editions.");
            }

            var liveNetwork = instance.Settings?.IpConfiguration?.PrivateNetwork;
            if (!string.IsNullOrEmpty(liveNetwork) && !SameNetwork(liveNetwork!))
            {
                throw Refuse($"the instance's private IP is on {liveNetwork}, not {PrivateNetwork}, and Cloud SQL cannot move it to another network.");
            }

            if (instance.Region != null && !string.Equals(instance.Region, region, StringComparison.OrdinalIgnoreCase))
            {
                throw Refuse($"the instance is in {instance.Region}, not {region}, and an instance cannot move. Deploy with -Region {instance.Region}.");
            }
        }

        /// <summary>Google shows projects/P/global/networks/N; a full URL of the same network counts as the same.</summary>
        private bool SameNetwork(string value) => value.EndsWith(PrivateNetwork, StringComparison.Ordinal);

        private Dictionary<string, (string Actual, string Wanted)> Drift(DatabaseInstance instance)
        {
            var drift = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            void Check(string field, object? actual, object wanted)
            {
                var actualText = Format(actual);
                var wantedText = Format(wanted);
                if (actualText != wantedText)
                {
                    drift[field] = (actualText, wantedText);
                }
            }

            if (IsUpgrade(instance.DatabaseVersion))
            {
                drift["databaseVersion"] = (instance.DatabaseVersion ?? "unknown", settings.Version);
            }

            var current = instance.Settings ?? new DatabaseInstanceSettings();
            if (settings.RequestedTier != null)
            {
                Check("tier", current.Tier, settings.RequestedTier);
            }

            Check("ipv4Enabled", current.IpConfiguration?.Ipv4Enabled, false);
            Check("sslMode", current.IpConfiguration?.SslMode, EncryptedOnly);
            var backups = current.BackupConfiguration;
            Check("backups", backups?.Enabled, true);
            Check("binaryLogEnabled", backups?.BinaryLogEnabled, true);
            if (settings.RequestedBackupRetentionDays != null)
            {
                Check("retainedBackups", backups?.BackupRetentionSettings?.RetainedBackups, settings.BackupRetentionDays);
                Check("transactionLogRetentionDays", backups?.TransactionLogRetentionDays, settings.TransactionLogRetentionDays);
            }

            Check("deletionProtectionEnabled", current.DeletionProtectionEnabled, true);
            foreach (var label in labels)
            {
                string? actual = null;
                current.UserLabels?.TryGetValue(label.Key, out actual);
                Check("labels." + label.Key, actual, label.Value);
            }

            return drift;
        }

        private static string Format(object? value) => value switch
        {
            null => "unset",
            bool flag => flag ? "true" : "false",
            _ => value.ToString() ?? "unset",
        };

        /// <summary>
        /// Waits until the instance runs: after a create or patch, and when an earlier interrupted run left it being
        /// created (there is no operation to follow then, so the instance is read again).
        /// </summary>
        private async Task<DatabaseInstance> WaitUntilRunnableAsync(ResourceApplyContext context)
        {
            for (var attempt = 1; ; attempt++)
            {
                var instance = await sql.GetInstanceAsync(projectId, Name, context.CancellationToken).ConfigureAwait(false)
                               ?? throw new InvalidOperationException($"The Cloud SQL instance '{Name}' disappeared while it was being set up.");
                if (instance.State == Runnable)
                {
                    return instance;
                }

                if (instance.State == "FAILED" || context.Elapsed > StartupTimeout)
                {
                    throw new InvalidOperationException(
                        $"The Cloud SQL instance '{Name}' is {instance.State} after {context.Elapsed.TotalMinutes:0} minutes. " +
                        $"Look at 'gcloud sql operations list --instance {Name}' for the reason.");
                }

                context.ReportProgress($"waiting for '{Name}' to run (now {instance.State}, {context.Elapsed.TotalSeconds:0}s)");
                await CreateOnce.BackoffAsync(Math.Min(attempt, 6), context.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}
