using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace OneClickMlflow.Google
{
    /// <summary>sqladmin v1beta4 DatabaseInstance (the fields the deployment reads and writes).</summary>
    public sealed class DatabaseInstance
    {
        public string? Name { get; set; }

        public string? Project { get; set; }

        /// <summary>e.g. MYSQL_8_4.</summary>
        public string? DatabaseVersion { get; set; }

        public string? Region { get; set; }

        /// <summary>PENDING_CREATE, RUNNABLE, FAILED, ...</summary>
        public string? State { get; set; }

        /// <summary>"project:region:instance", what the Cloud SQL connectors take.</summary>
        public string? ConnectionName { get; set; }

        public List<SqlIpMapping>? IpAddresses { get; set; }

        public DatabaseInstanceSettings? Settings { get; set; }

        /// <summary>The instance's server CA: clients verify the server with its PEM <c>cert</c>.</summary>
        public SqlServerCaCert? ServerCaCert { get; set; }

        /// <summary>The PRIVATE address, once the instance is running.</summary>
        [JsonIgnore]
        public string? PrivateIp => IpAddresses?.FirstOrDefault(a => a.Type == "PRIVATE")?.IpAddress;
    }

    /// <summary>sqladmin Backup: a backup that outlives its instance, e.g. the FINAL one taken on delete.</summary>
    public sealed class SqlBackup
    {
        /// <summary>projects/{project}/backups/{id}.</summary>
        public string? Name { get; set; }

        public string? Instance { get; set; }

        /// <summary>FINAL, AUTOMATED or ON_DEMAND.</summary>
        public string? Type { get; set; }

        public string? State { get; set; }

        /// <summary>When Cloud SQL deletes the backup (RFC 3339).</summary>
        public DateTimeOffset? ExpiryTime { get; set; }

        public DateTimeOffset? InstanceDeletionTime { get; set; }
    }

    public sealed class SqlServerCaCert
    {
        public string? Cert { get; set; }
    }

    public sealed class SqlIpMapping
    {
        public string? Type { get; set; }

        public string? IpAddress { get; set; }
    }

    public sealed class DatabaseInstanceSettings
    {
        /// <summary>A string in Google's answers; patches send it back to detect concurrent changes.</summary>
        public string? SettingsVersion { get; set; }

        public string? Tier { get; set; }

        public string? Edition { get; set; }

        public SqlIpConfiguration? IpConfiguration { get; set; }

        public SqlBackupConfiguration? BackupConfiguration { get; set; }

        public bool? DeletionProtectionEnabled { get; set; }

        public Dictionary<string, string>? UserLabels { get; set; }
    }

    public sealed class SqlIpConfiguration
    {
        public bool? Ipv4Enabled { get; set; }

        /// <summary>"projects/P/global/networks/N".</summary>
        public string? PrivateNetwork { get; set; }

        public string? AllocatedIpRange { get; set; }

        /// <summary>ENCRYPTED_ONLY requires TLS without requiring client certificates.</summary>
        public string? SslMode { get; set; }
    }

    public sealed class SqlBackupConfiguration
    {
        public bool? Enabled { get; set; }

        public bool? BinaryLogEnabled { get; set; }

        public int? TransactionLogRetentionDays { get; set; }

        public SqlBackupRetention? BackupRetentionSettings { get; set; }
    }

    public sealed class SqlBackupRetention
    {
        /// <summary>COUNT: keep this many automated (daily) backups.</summary>
        public string? RetentionUnit { get; set; }

        public int? RetainedBackups { get; set; }
    }

    public sealed class MySqlDatabase
    {
        public string? Name { get; set; }

        public string? Charset { get; set; }

        public string? Collation { get; set; }
    }

    /// <summary>A database user; Google never returns the password, and the module never logs the one it sends.</summary>
    public sealed class MySqlUser
    {
        public string? Name { get; set; }

        public string? Host { get; set; }

        public string? Password { get; set; }
    }
}
