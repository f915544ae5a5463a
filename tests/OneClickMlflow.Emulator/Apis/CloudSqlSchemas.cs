using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The Cloud SQL Admin request messages (v1 and v1beta4 share them), as the generated clients declare them.</summary>
public static class CloudSqlSchemas
{
    private const string Package = "google.cloud.sql.v1beta4.";

    public static readonly string[] DatabaseVersions =
    {
        "SQL_DATABASE_VERSION_UNSPECIFIED", "MYSQL_5_1", "MYSQL_5_5", "MYSQL_5_6", "MYSQL_5_7", "MYSQL_8_0",
        "MYSQL_8_0_18", "MYSQL_8_0_26", "MYSQL_8_0_27", "MYSQL_8_0_28", "MYSQL_8_0_29", "MYSQL_8_0_30", "MYSQL_8_0_31",
        "MYSQL_8_0_32", "MYSQL_8_0_33", "MYSQL_8_0_34", "MYSQL_8_0_35", "MYSQL_8_0_36", "MYSQL_8_0_37", "MYSQL_8_0_39",
        "MYSQL_8_0_40", "MYSQL_8_0_41", "MYSQL_8_0_42", "MYSQL_8_0_43", "MYSQL_8_0_44", "MYSQL_8_0_45", "MYSQL_8_0_46",
        "MYSQL_8_4", "SQLSERVER_2017_STANDARD", "SQLSERVER_2017_ENTERPRISE", "SQLSERVER_2017_EXPRESS",
        "SQLSERVER_2017_WEB", "POSTGRES_9_6", "POSTGRES_10", "POSTGRES_11", "POSTGRES_12", "POSTGRES_13", "POSTGRES_14",
        "POSTGRES_15", "POSTGRES_16", "POSTGRES_17", "SQLSERVER_2019_STANDARD", "SQLSERVER_2019_ENTERPRISE",
        "SQLSERVER_2019_EXPRESS", "SQLSERVER_2019_WEB", "SQLSERVER_2022_STANDARD", "SQLSERVER_2022_ENTERPRISE",
        "SQLSERVER_2022_EXPRESS", "SQLSERVER_2022_WEB",
    };

    private static readonly MessageSchema RetentionSettings = new MessageSchema(Package + "BackupRetentionSettings")
        .Int32("retainedBackups")
        .Enum("retentionUnit", Package + "BackupRetentionSettings.RetentionUnit", new[] { "RETENTION_UNIT_UNSPECIFIED", "COUNT" });

    private static readonly MessageSchema BackupConfiguration = new MessageSchema(Package + "BackupConfiguration")
        .Message("backupRetentionSettings", RetentionSettings)
        .AnyJson("backupTier").Bool("binaryLogEnabled").Bool("enabled").String("kind").String("location")
        .AnyJson("managementConfig").Bool("pointInTimeRecoveryEnabled").Bool("replicationLogArchivingEnabled")
        .String("startTime").Int32("transactionLogRetentionDays").AnyJson("transactionalLogStorageState");

    private static readonly MessageSchema AclEntry = new MessageSchema(Package + "AclEntry")
        .String("expirationTime").String("kind").String("name").String("value");

    private static readonly MessageSchema IpConfiguration = new MessageSchema(Package + "IpConfiguration")
        .String("allocatedIpRange").Messages("authorizedNetworks", AclEntry).Strings("customSubjectAlternativeNames")
        .Bool("enablePrivatePathForGoogleCloudServices").Bool("ipv4Enabled").String("privateNetwork").AnyJson("pscConfig")
        .Bool("requireSsl").String("reservedIpRange").AnyJson("serverCaMode").String("serverCaPool")
        .Enum("sslMode", Package + "IpConfiguration.SslMode",
            new[] { "SSL_MODE_UNSPECIFIED", "ALLOW_UNENCRYPTED_AND_ENCRYPTED", "ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" });

    private static readonly MessageSchema LocationPreference = new MessageSchema(Package + "LocationPreference")
        .String("followGaeApplication").String("kind").String("secondaryZone").String("zone");

    private static readonly MessageSchema MaintenanceWindow = new MessageSchema(Package + "MaintenanceWindow")
        .Int32("day").Int32("hour").String("kind").AnyJson("updateTrack");

    private static readonly MessageSchema DatabaseFlag = new MessageSchema(Package + "DatabaseFlags").String("name").String("value");

    private static readonly MessageSchema Settings = new MessageSchema(Package + "Settings")
        .Enum("activationPolicy", Package + "SqlActivationPolicy", new[] { "SQL_ACTIVATION_POLICY_UNSPECIFIED", "ALWAYS", "NEVER", "ON_DEMAND" })
        .AnyJson("activeDirectoryConfig").AnyJson("advancedMachineFeatures").Strings("authorizedGaeApplications")
        .Enum("availabilityType", Package + "SqlAvailabilityType", new[] { "SQL_AVAILABILITY_TYPE_UNSPECIFIED", "ZONAL", "REGIONAL" })
        .Message("backupConfiguration", BackupConfiguration).String("collation").AnyJson("connectionPoolConfig")
        .AnyJson("connectorEnforcement").Bool("crashSafeReplicationEnabled").AnyJson("dataCacheConfig")
        .Int64("dataDiskProvisionedIops").Int64("dataDiskProvisionedThroughput").Int64("dataDiskSizeGb")
        .Enum("dataDiskType", Package + "SqlDataDiskType", new[] { "SQL_DATA_DISK_TYPE_UNSPECIFIED", "PD_SSD", "PD_HDD", "OBSOLETE_LOCAL_SSD", "HYPERDISK_BALANCED" })
        .Messages("databaseFlags", DatabaseFlag).Bool("databaseReplicationEnabled").AnyJson("dbAlignedAtomicWritesConfig")
        .Bool("deletionProtectionEnabled").AnyJson("denyMaintenancePeriods")
        .Enum("edition", Package + "Settings.Edition", new[] { "EDITION_UNSPECIFIED", "ENTERPRISE", "ENTERPRISE_PLUS" })
        .Bool("enableDataplexIntegration").Bool("enableGoogleMlIntegration").AnyJson("finalBackupConfig")
        .AnyJson("insightsConfig").String("instanceVersion").Message("ipConfiguration", IpConfiguration).String("kind")
        .Message("locationPreference", LocationPreference).String("maintenanceVersion")
        .Message("maintenanceWindow", MaintenanceWindow).AnyJson("passwordValidationPolicy")
        .Enum("pricingPlan", Package + "SqlPricingPlan", new[] { "SQL_PRICING_PLAN_UNSPECIFIED", "PACKAGE", "PER_USE" })
        .AnyJson("readPoolAutoScaleConfig").Bool("recreateReplicasOnPrimaryCrash").Int32("replicationLagMaxSeconds")
        .AnyJson("replicationType").Bool("retainBackupsOnDelete").Int64("settingsVersion").AnyJson("sqlServerAuditConfig")
        .Bool("storageAutoResize").Int64("storageAutoResizeLimit").String("tier").String("timeZone").StringMap("userLabels");

    public static readonly MessageSchema DatabaseInstance = new MessageSchema(Package + "DatabaseInstance")
        .Strings("availableMaintenanceVersions").AnyJson("backendType").String("connectionName").String("createTime")
        .Int64("currentDiskSize").String("databaseInstalledVersion")
        .Enum("databaseVersion", Package + "SqlDatabaseVersion", DatabaseVersions)
        .AnyJson("diskEncryptionConfiguration").AnyJson("diskEncryptionStatus").String("dnsName").AnyJson("dnsNames")
        .String("etag").AnyJson("failoverReplica").String("gceZone").AnyJson("geminiConfig")
        .Bool("includeReplicasForMajorVersionUpgrade").AnyJson("installedVersion").AnyJson("instanceType")
        .AnyJson("ipAddresses").String("ipv6Address").String("kind").String("maintenanceVersion")
        .Bool("majorVersionUpgradeIncludesReplicas").String("masterInstanceName").Int64("maxDiskSize").String("name")
        .Int32("nodeCount").AnyJson("nodes").AnyJson("onPremisesConfiguration").AnyJson("outOfDiskReport")
        .String("primaryDnsName").String("project").String("pscServiceAttachmentLink").String("region")
        .AnyJson("replicaConfiguration").Strings("replicaNames").AnyJson("replicationCluster").String("rootPassword")
        .Bool("satisfiesPzi").Bool("satisfiesPzs").AnyJson("scheduledMaintenance").String("secondaryGceZone")
        .String("selfLink").AnyJson("serverCaCert").String("serviceAccountEmailAddress").Message("settings", Settings)
        .Strings("sourceInstanceNames").AnyJson("sqlNetworkArchitecture").AnyJson("state").AnyJson("suspensionReason")
        .Bool("switchTransactionLogsToCloudStorageEnabled").AnyJson("tags").AnyJson("upgradableDatabaseVersions")
        .String("writeEndpoint");

    public static readonly MessageSchema Database = new MessageSchema(Package + "Database")
        .String("charset").String("collation").String("etag").String("instance").String("kind").String("name")
        .String("project").String("selfLink").AnyJson("sqlserverDatabaseDetails");

    public static readonly MessageSchema User = new MessageSchema(Package + "User")
        .AnyJson("dualPasswordType").String("etag").String("host").String("iamEmail").AnyJson("iamStatus")
        .String("instance").String("kind").String("name").String("password").AnyJson("passwordPolicy").String("project")
        .AnyJson("sqlserverUserDetails")
        .Enum("type", Package + "User.SqlUserType", new[]
        {
            "BUILT_IN", "CLOUD_IAM_USER", "CLOUD_IAM_SERVICE_ACCOUNT", "CLOUD_IAM_GROUP", "CLOUD_IAM_GROUP_USER",
            "CLOUD_IAM_GROUP_SERVICE_ACCOUNT",
        });
}
