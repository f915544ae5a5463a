using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The read views of Cloud SQL resources, as sqladmin shows them. Call under <see cref="EmulatorState.Gate"/>.</summary>
public static class CloudSqlJson
{
    public static JsonObject Instance(SqlInstance instance, ProjectState project, string apiBase)
    {
        var settings = (JsonObject)instance.Settings.DeepClone();
        settings["settingsVersion"] = instance.SettingsVersion.ToString();
        var json = new JsonObject
        {
            ["kind"] = "sql#instance",
            ["state"] = instance.State,
            ["databaseVersion"] = instance.DatabaseVersion,
            ["settings"] = settings,
            ["etag"] = $"{instance.SettingsVersion:x8}{instance.Created.ToUnixTimeSeconds():x}",
            ["ipAddresses"] = new JsonArray(),
            ["serverCaCert"] = new JsonObject
            {
                ["kind"] = "sql#sslCert",
                ["certSerialNumber"] = instance.ServerCa.SerialNumber,
                ["cert"] = instance.ServerCa.Pem,
                ["commonName"] = instance.ServerCa.CommonName,
                ["sha1Fingerprint"] = instance.ServerCa.Sha1Fingerprint,
                ["instance"] = instance.Name,
                ["createTime"] = CloudSqlOperations.Timestamp(instance.ServerCa.Created),
                ["expirationTime"] = CloudSqlOperations.Timestamp(instance.ServerCa.Expires),
            },
            ["instanceType"] = "CLOUD_SQL_INSTANCE",
            ["project"] = instance.ProjectId,
            ["serviceAccountEmailAddress"] = $"p{project.ProjectNumber}-abcdef@gcp-sa-cloud-sql.iam.gserviceaccount.com",
            ["backendType"] = "SECOND_GEN",
            ["selfLink"] = $"{apiBase}projects/{instance.ProjectId}/instances/{instance.Name}",
            ["connectionName"] = $"{instance.ProjectId}:{instance.Region}:{instance.Name}",
            ["name"] = instance.Name,
            ["region"] = instance.Region,
            ["gceZone"] = instance.Zone,
            ["databaseInstalledVersion"] = InstalledVersion(instance.DatabaseVersion),
            ["createTime"] = CloudSqlOperations.Timestamp(instance.Created),
            ["sqlNetworkArchitecture"] = "NEW_NETWORK_ARCHITECTURE",
        };
        var addresses = json["ipAddresses"]!.AsArray();
        if (instance.State == "RUNNABLE" && settings["ipConfiguration"]!["ipv4Enabled"]!.GetValue<bool>())
        {
            addresses.Add(new JsonObject { ["type"] = "PRIMARY", ["ipAddress"] = PublicIp(instance) });
        }
        if (instance.PrivateIp is not null)
        {
            addresses.Add(new JsonObject { ["type"] = "PRIVATE", ["ipAddress"] = instance.PrivateIp });
        }
        if (addresses.Count == 0)
        {
            json.Remove("ipAddresses");
        }
        return json;
    }

    public static JsonObject Database(SqlInstance instance, SqlDatabase database, string apiBase) => new()
    {
        ["kind"] = "sql#database",
        ["charset"] = database.Charset,
        ["collation"] = database.Collation,
        ["etag"] = "1",
        ["name"] = database.Name,
        ["instance"] = instance.Name,
        ["selfLink"] = $"{apiBase}projects/{instance.ProjectId}/instances/{instance.Name}/databases/{database.Name}",
        ["project"] = instance.ProjectId,
    };

    public static JsonObject User(SqlInstance instance, SqlUser user) => new()
    {
        ["kind"] = "sql#user",
        ["etag"] = "1",
        ["name"] = user.Name,
        ["host"] = user.Host,
        ["instance"] = instance.Name,
        ["project"] = instance.ProjectId,
    };

    public static JsonObject Backup(SqlBackup backup)
    {
        var json = new JsonObject
        {
            ["kind"] = "sql#backup",
            ["name"] = $"projects/{backup.ProjectId}/backups/{backup.Id}",
            ["instance"] = backup.Instance,
            ["type"] = backup.Type,
            ["backupKind"] = "SNAPSHOT",
            ["state"] = "SUCCESSFUL",
            ["instanceDeletionTime"] = CloudSqlOperations.Timestamp(backup.Created),
            ["databaseVersion"] = backup.DatabaseVersion,
            ["backupInterval"] = new JsonObject { ["startTime"] = CloudSqlOperations.Timestamp(backup.Created) },
        };
        if (backup.Expires is { } expires)
        {
            json["expiryTime"] = CloudSqlOperations.Timestamp(expires);
        }
        if (backup.Description is not null)
        {
            json["description"] = backup.Description;
        }
        return json;
    }

    private static string InstalledVersion(string version) =>
        version.Count(c => c == '_') > 2 ? version : version switch
        {
            "MYSQL_8_4" => "MYSQL_8_4_5",
            "MYSQL_8_0" => "MYSQL_8_0_41",
            _ => version,
        };

    /// <summary>A stable documentation-range address for the public IP (when ipv4Enabled).</summary>
    private static string PublicIp(SqlInstance instance) =>
        $"203.0.113.{instance.Name.Sum(c => c) % 250 + 2}";
}
