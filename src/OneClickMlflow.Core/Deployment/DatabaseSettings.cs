using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The Cloud SQL instance's version, tier and backup retention, validated. The instance is ENTERPRISE edition,
    /// so shared-core and standard tiers are accepted and ENTERPRISE_PLUS tiers are not. Defaults apply when the
    /// instance is created; on an existing instance only what the user asked for is changed, so a re-run without
    /// -DatabaseTier never shrinks a tier chosen earlier, nor upgrades MySQL unasked.
    /// </summary>
    public sealed class DatabaseSettings
    {
        public const string DefaultVersion = "MYSQL_8_4";
        public const string DefaultTier = "db-g1-small";
        public const int DefaultBackupRetentionDays = 7;
        public const int MaxBackupRetentionDays = 365;
        public const string Edition = "ENTERPRISE";

        /// <summary>ENTERPRISE edition keeps at most 7 days of binary logs for point-in-time recovery.</summary>
        public const int MaxTransactionLogRetentionDays = 7;

        /// <summary>The MySQL versions Google creates, oldest first (the order upgrades go in).</summary>
        public static IReadOnlyList<string> Versions { get; } = new[] { "MYSQL_8_0", "MYSQL_8_4" };

        /// <summary>
        /// The predefined tiers the ENTERPRISE edition offers, smallest first (for completion): the shared-core ones
        /// and the N1 standard and high-memory shapes; db-custom-CPUS-MEMORY_MB is accepted too.
        /// </summary>
        public static IReadOnlyList<string> Tiers { get; } = new[] { "db-f1-micro", "db-g1-small" }
            .Concat(new[] { 1, 2, 4, 8, 16, 32, 64, 96 }.Select(cpus => $"db-n1-standard-{cpus}"))
            .Concat(new[] { 2, 4, 8, 16, 32, 64, 96 }.Select(cpus => $"db-n1-highmem-{cpus}"))
            .ToArray();

        private static readonly Regex TierPattern = ParameterChecks.WholeValue(
            "db-(?:f1-micro|g1-small|n1-(?:standard|highmem)-[0-9]{1,2}|custom-[0-9]{1,2}-[0-9]{3,6})");

        private DatabaseSettings(string? version, string? tier, int? backupRetentionDays)
        {
            RequestedVersion = version;
            RequestedTier = tier;
            RequestedBackupRetentionDays = backupRetentionDays;
        }

        /// <summary>-DatabaseVersion as given (normalised), or null when not given.</summary>
        public string? RequestedVersion { get; }

        public string? RequestedTier { get; }

        public int? RequestedBackupRetentionDays { get; }

        public string Version => RequestedVersion ?? DefaultVersion;

        public string Tier => RequestedTier ?? DefaultTier;

        /// <summary>Automated backups are daily, so this is also the number of backups kept.</summary>
        public int BackupRetentionDays => RequestedBackupRetentionDays ?? DefaultBackupRetentionDays;

        /// <summary>Binary logs for point-in-time recovery: as long as the backups, at most 7 days.</summary>
        public int TransactionLogRetentionDays => Math.Min(BackupRetentionDays, MaxTransactionLogRetentionDays);

        public static DatabaseSettings Validate(string? version, string? tier, int? backupRetentionDays)
        {
            var versionValue = ParameterChecks.Optional("DatabaseVersion", version)?.ToUpperInvariant();
            if (versionValue != null && !Versions.Contains(versionValue))
            {
                throw new InvalidDeploymentInputException("DatabaseVersion",
                    $"'{version}' is not a MySQL version Cloud SQL creates. Use one of: {string.Join(", ", Versions)}.");
            }

            var tierValue = ParameterChecks.Optional("DatabaseTier", tier)?.ToLowerInvariant();
            if (tierValue != null && !TierPattern.IsMatch(tierValue))
            {
                throw new InvalidDeploymentInputException("DatabaseTier",
                    $"'{tier}' is not a Cloud SQL tier of the ENTERPRISE edition. Use db-f1-micro, db-g1-small, " +
                    "db-n1-standard-N, db-n1-highmem-N or db-custom-CPUS-MEMORY_MB (e.g. db-custom-2-7680).");
            }

            if (backupRetentionDays is int days && (days < 1 || days > MaxBackupRetentionDays))
            {
                throw new InvalidDeploymentInputException("BackupRetentionDays",
                    $"{days} is out of range: keep backups for 1 to {MaxBackupRetentionDays} days.");
            }

            return new DatabaseSettings(versionValue, tierValue, backupRetentionDays);
        }

        /// <summary>MySQL's major.minor of a Cloud SQL version name (MYSQL_8_0_41 gives 8.0); null for another engine.</summary>
        public static Version? MajorOf(string? version)
        {
            var parts = (version ?? "").Split('_');
            return parts.Length >= 3 && parts[0] == "MYSQL" && int.TryParse(parts[1], out var major) && int.TryParse(parts[2], out var minor)
                ? new Version(major, minor)
                : null;
        }
    }
}
