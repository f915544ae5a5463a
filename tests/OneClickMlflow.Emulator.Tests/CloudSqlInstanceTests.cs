using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class CloudSqlInstanceTests : CloudSqlTestBase
{
    [Fact]
    public async Task Create_makes_a_runnable_instance_with_a_private_ip_from_the_allocated_range()
    {
        await SeedNetworkAsync();

        var (status, operation) = await CreateAsync(InstanceBody());
        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("sql#operation", operation["kind"]!.GetValue<string>());
        Assert.Equal("CREATE", operation["operationType"]!.GetValue<string>());
        Assert.Equal("DONE", operation["status"]!.GetValue<string>());
        Assert.EndsWith("/projects/mlflow-demo/instances/mlflow-db", operation["targetLink"]!.GetValue<string>());
        Assert.Equal("RUNNABLE", instance["state"]!.GetValue<string>());
        Assert.Equal("mlflow-demo:europe-west1:mlflow-db", instance["connectionName"]!.GetValue<string>());
        var addresses = instance["ipAddresses"]!.AsArray();
        var privateIp = Assert.Single(addresses);
        Assert.Equal("PRIVATE", privateIp!["type"]!.GetValue<string>());
        Assert.True(Ipv4.Overlap(Ipv4.Parse(privateIp["ipAddress"]!.GetValue<string>()), 32, Ipv4.Parse(RangeStart), 16));
        Assert.Equal("ENCRYPTED_ONLY", instance["settings"]!["ipConfiguration"]!["sslMode"]!.GetValue<string>());
        Assert.Equal("mlflow", instance["settings"]!["userLabels"]!["app"]!.GetValue<string>());
        Assert.Equal("CLOUD_SQL_INSTANCE", instance["instanceType"]!.GetValue<string>());
        Assert.Equal("SECOND_GEN", instance["backendType"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_server_ca_is_a_real_certificate_whose_fingerprint_matches()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody());

        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");
        var ca = instance["serverCaCert"]!;
        using var certificate = X509Certificate2.CreateFromPem(ca["cert"]!.GetValue<string>());

        Assert.Equal(certificate.GetCertHashString().ToLowerInvariant(), ca["sha1Fingerprint"]!.GetValue<string>());
        Assert.Contains("Google Cloud SQL Server CA", certificate.Subject);
        Assert.True(certificate.NotAfter > DateTime.UtcNow.AddYears(9));
    }

    [Fact]
    public async Task Under_realistic_latency_the_instance_is_pending_until_its_operation_is_done()
    {
        await SeedNetworkAsync();
        Host.State.Latency.Set(LatencySettings.Realistic, 0.001); // 8 min -> 0.48 s

        var (_, started) = await CreateAsync(InstanceBody());
        var (_, pending) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");
        var (patchStatus, patchRefused) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db", """{"settings": {"userLabels": {"a": "b"}}}""");
        var done = await WaitAsync(started);
        var (_, runnable) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.NotEqual("DONE", started["status"]!.GetValue<string>());
        Assert.Equal("PENDING_CREATE", pending["state"]!.GetValue<string>());
        Assert.Null(pending["ipAddresses"]);
        Assert.Equal(HttpStatusCode.Conflict, patchStatus);
        Assert.Equal("operationInProgress", LegacyReason(patchRefused));
        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        Assert.NotNull(done["endTime"]);
        Assert.Equal("RUNNABLE", runnable["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_peering_removed_during_creation_fails_the_operation_and_the_instance()
    {
        await SeedNetworkAsync();
        Host.State.Latency.Set(LatencySettings.Realistic, 0.001);
        var (_, started) = await CreateAsync(InstanceBody());
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ServiceNetworkingState>().Connections.Clear();
        }

        var done = await WaitAsync(started);
        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        var error = Assert.Single(done["error"]!["errors"]!.AsArray())!;
        Assert.Equal("sql#operationError", error["kind"]!.GetValue<string>());
        Assert.Equal("failedPrecondition", error["code"]!.GetValue<string>());
        Assert.Contains("Please create Service Networking connection", error["message"]!.GetValue<string>());
        Assert.Equal("FAILED", instance["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_existing_name_is_refused_with_instanceAlreadyExists()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody());

        var (status, body) = await CreateAsync(InstanceBody());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("instanceAlreadyExists", LegacyReason(body));
    }

    [Fact]
    public async Task A_private_network_without_a_service_networking_connection_is_refused()
    {
        await SeedNetworkAsync(connect: false);

        var (status, body) = await CreateAsync(InstanceBody());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Please create Service Networking connection with service 'servicenetworking.googleapis.com'", ErrorMessage(body));
        Assert.Contains($"consumer project '{ProjectNumber}' network 'mlflow-net'", ErrorMessage(body));
        Assert.Empty(Host.State.ApiState<CloudSqlState>().Instances);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no-ip", "At least one of Public IP or Private IP or PSC connectivity must be enabled." },
        { "shared-core-plus", "Invalid Tier (db-g1-small) for (ENTERPRISE_PLUS) Edition." },
        { "mysql84-default-plus", "Invalid Tier (db-g1-small) for (ENTERPRISE_PLUS) Edition." },
        { "binlog-without-backups", "Binary log must be disabled when backup is disabled." },
        { "retired-version", "Invalid database version: MYSQL_5_6." },
        { "unknown-range", "The allocated IP range [other-range]" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Invalid_settings_are_refused_with_Googles_400(string change, string message)
    {
        await SeedNetworkAsync();
        var body = InstanceBody(edit: b =>
        {
            var settings = b["settings"]!;
            switch (change)
            {
                case "no-ip":
                    settings["ipConfiguration"]!.AsObject().Remove("privateNetwork");
                    settings["ipConfiguration"]!.AsObject().Remove("allocatedIpRange");
                    break;
                case "shared-core-plus":
                    settings["edition"] = "ENTERPRISE_PLUS";
                    break;
                case "mysql84-default-plus":
                    b["databaseVersion"] = "MYSQL_8_4";
                    settings.AsObject().Remove("edition");
                    break;
                case "binlog-without-backups":
                    settings["backupConfiguration"]!["enabled"] = false;
                    break;
                case "retired-version":
                    b["databaseVersion"] = "MYSQL_5_6";
                    break;
                case "unknown-range":
                    settings["ipConfiguration"]!["allocatedIpRange"] = "other-range";
                    break;
            }
        });

        var (status, error) = await CreateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, ErrorMessage(error));
    }

    [Fact]
    public async Task An_unknown_database_version_is_refused_by_the_request_check()
    {
        await SeedNetworkAsync();

        var (status, error) = await CreateAsync(InstanceBody(edit: b => b["databaseVersion"] = "MYSQL_9_9"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Invalid value at 'database_version'", ErrorMessage(error));
    }

    [Fact]
    public async Task Mysql_8_4_on_enterprise_plus_with_a_performance_tier_is_accepted()
    {
        await SeedNetworkAsync();

        var (status, _) = await CreateAsync(InstanceBody(edit: b =>
        {
            b["databaseVersion"] = "MYSQL_8_4";
            b["settings"]!["edition"] = "ENTERPRISE_PLUS";
            b["settings"]!["tier"] = "db-perf-optimized-N-2";
        }));
        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MYSQL_8_4", instance["databaseVersion"]!.GetValue<string>());
        Assert.Equal("ENTERPRISE_PLUS", instance["settings"]!["edition"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_changes_settings_and_bumps_the_settings_version_but_refuses_a_downgrade()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b => b["databaseVersion"] = "MYSQL_8_4"));

        var (patchStatus, operation) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db",
            """{"settings": {"tier": "db-custom-2-7680", "userLabels": {"app": "mlflow", "env": "prod"}}}""");
        var (downgradeStatus, downgrade) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db", """{"databaseVersion": "MYSQL_8_0"}""");
        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal("UPDATE", operation["operationType"]!.GetValue<string>());
        Assert.Equal("db-custom-2-7680", instance["settings"]!["tier"]!.GetValue<string>());
        Assert.Equal("prod", instance["settings"]!["userLabels"]!["env"]!.GetValue<string>());
        Assert.True(instance["settings"]!["backupConfiguration"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("2", instance["settings"]!["settingsVersion"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, downgradeStatus);
        Assert.Contains("Downgrading the database version", ErrorMessage(downgrade));
        Assert.Equal("MYSQL_8_4", instance["databaseVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patching_a_public_instance_onto_the_private_network_gives_it_a_private_ip()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b =>
        {
            b["settings"]!["ipConfiguration"] = new JsonObject { ["ipv4Enabled"] = true };
        }));
        var (_, before) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db", new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["ipConfiguration"] = new JsonObject { ["ipv4Enabled"] = false, ["privateNetwork"] = PrivateNetwork },
            },
        }.ToJsonString());
        var (_, after) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");

        Assert.Equal("PRIMARY", Assert.Single(before["ipAddresses"]!.AsArray())!["type"]!.GetValue<string>());
        Assert.Equal("PRIVATE", Assert.Single(after["ipAddresses"]!.AsArray())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_refuses_an_edition_downgrade_and_a_stale_settings_version()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b =>
        {
            b["databaseVersion"] = "MYSQL_8_4";
            b["settings"]!["edition"] = "ENTERPRISE_PLUS";
            b["settings"]!["tier"] = "db-perf-optimized-N-2";
        }));

        var (editionStatus, edition) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db",
            """{"settings": {"edition": "ENTERPRISE", "tier": "db-custom-2-7680"}}""");
        var (staleStatus, stale) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db",
            """{"settings": {"settingsVersion": "7", "userLabels": {"a": "b"}}}""");
        var (currentStatus, _) = await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db",
            """{"settings": {"settingsVersion": "1", "userLabels": {"a": "b"}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, editionStatus);
        Assert.Contains("Downgrading the edition", ErrorMessage(edition));
        Assert.Equal((HttpStatusCode)412, staleStatus);
        Assert.Equal("conditionNotMet", LegacyReason(stale));
        Assert.Equal(HttpStatusCode.OK, currentStatus);
    }

    [Fact]
    public async Task Delete_is_refused_while_protected_and_keeps_a_final_backup_when_asked()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b => b["settings"]!["retainBackupsOnDelete"] = true));

        var (refusedStatus, refused) = await CallAsync(HttpMethod.Delete, Sql + "instances/mlflow-db");
        await CallAsync(HttpMethod.Patch, Sql + "instances/mlflow-db", """{"settings": {"deletionProtectionEnabled": false}}""");
        var (deleteStatus, operation) = await CallAsync(HttpMethod.Delete,
            Sql + "instances/mlflow-db?enableFinalBackup=true&finalBackupTtlDays=14");
        var (missingStatus, _) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");
        var (_, backups) = await CallAsync(HttpMethod.Get, Sql + "backups");

        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Contains("The instance is protected from deletion", ErrorMessage(refused));
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal("DELETE", operation["operationType"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        var final = Assert.Single(backups["backups"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "FINAL")!;
        Assert.Equal("mlflow-db", final["instance"]!.GetValue<string>());
        var expiry = DateTimeOffset.Parse(final["expiryTime"]!.GetValue<string>());
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddDays(13.9), DateTimeOffset.UtcNow.AddDays(14.1));
        Assert.Contains(backups["backups"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "AUTOMATED");
    }

    private const string DeleteConnection = "servicenetworking/v1/services/servicenetworking.googleapis.com/connections/-";

    [Fact]
    public async Task The_private_services_connection_cannot_be_deleted_while_an_instance_uses_it_nor_for_days_after_its_delete()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b => b["settings"]!["deletionProtectionEnabled"] = false));
        var body = $$"""{"consumerNetwork": "projects/{{ProjectNumber}}/global/networks/mlflow-net"}""";

        var (_, inUse) = await CallAsync(HttpMethod.Post, DeleteConnection, body);
        await CallAsync(HttpMethod.Delete, Sql + "instances/mlflow-db");
        var (_, held) = await CallAsync(HttpMethod.Post, DeleteConnection, body);
        var hold = Assert.Single(Host.State.ApiState<CloudSqlState>().ProducerHolds);
        using var admin = new HttpClient { BaseAddress = Host.BaseUri };
        (await admin.DeleteAsync("_emulator/sql-producer-holds")).EnsureSuccessStatusCode();
        var (_, deleted) = await CallAsync(HttpMethod.Post, DeleteConnection, body);

        foreach (var refused in new[] { inUse, held })
        {
            Assert.True(refused["done"]!.GetValue<bool>());
            Assert.Equal(9, refused["error"]!["code"]!.GetValue<int>());
            Assert.Contains("Producer services (e.g. CloudSQL, Cloud Memstore, etc.) are still using this connection", refused["error"]!["message"]!.GetValue<string>());
        }
        Assert.Equal("mlflow-db", hold.Instance);
        Assert.InRange(hold.Until, DateTimeOffset.UtcNow.AddDays(3.9), DateTimeOffset.UtcNow.AddDays(4.1));
        Assert.True(deleted["done"]!.GetValue<bool>());
        Assert.Null(deleted["error"]);
    }

    [Fact]
    public async Task Without_a_producer_hold_the_connection_goes_as_soon_as_the_instance_is_deleted()
    {
        Host.State.ApiState<CloudSqlState>().ProducerHoldAfterDelete = TimeSpan.Zero;
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b => b["settings"]!["deletionProtectionEnabled"] = false));
        await CallAsync(HttpMethod.Delete, Sql + "instances/mlflow-db");

        var (_, deleted) = await CallAsync(HttpMethod.Post, DeleteConnection,
            $$"""{"consumerNetwork": "projects/{{ProjectNumber}}/global/networks/mlflow-net"}""");

        Assert.Null(deleted["error"]);
    }

    [Fact]
    public async Task Delete_without_a_final_backup_keeps_nothing()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody(edit: b => b["settings"]!["deletionProtectionEnabled"] = false));

        await CallAsync(HttpMethod.Delete, Sql + "instances/mlflow-db");
        var (_, backups) = await CallAsync(HttpMethod.Get, Sql + "backups");

        Assert.Null(backups["backups"]);
    }

    [Fact]
    public async Task A_missing_instance_answers_404_and_the_operation_list_shows_what_was_done()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody());

        var (status, missing) = await CallAsync(HttpMethod.Get, Sql + "instances/nope");
        var (_, operations) = await CallAsync(HttpMethod.Get, Sql + "operations?instance=mlflow-db");
        var (_, list) = await CallAsync(HttpMethod.Get, "sql/v1/projects/mlflow-demo/instances");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("instanceDoesNotExist", LegacyReason(missing));
        Assert.Equal("CREATE", Assert.Single(operations["items"]!.AsArray())!["operationType"]!.GetValue<string>());
        var listed = Assert.Single(list["items"]!.AsArray())!;
        Assert.Contains("/sql/v1/projects/mlflow-demo/instances/mlflow-db", listed["selfLink"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_the_api_enabled_or_the_permission_the_call_is_refused()
    {
        var (disabledStatus, disabled) = await CallAsync(HttpMethod.Get, Sql + "instances");
        EnableServices("sqladmin.googleapis.com");
        Host.State.Grant(Project, "roles/viewer", "user:viewer@example.com");
        var viewer = await UserTokenAsync("viewer@example.com");

        var create = await SendAsync(HttpMethod.Post, Sql + "instances", viewer, InstanceBody().ToJsonString());
        var list = await SendAsync(HttpMethod.Get, Sql + "instances", viewer);

        Assert.Equal(HttpStatusCode.Forbidden, disabledStatus);
        Assert.Contains("Cloud SQL Admin API has not been used", ErrorMessage(disabled));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("notAuthorized", LegacyReason(await ReadJsonAsync(create)));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }
}

public sealed class CloudSqlMissingInstanceSwitchTests : CloudSqlTestBase
{
    protected override EmulatorOptions Options() => new() { SqlMissingInstanceAnswers403 = true };

    [Fact]
    public async Task Under_the_switch_a_missing_instance_answers_403_not_authorized()
    {
        EnableServices("sqladmin.googleapis.com");

        var (status, body) = await CallAsync(HttpMethod.Get, Sql + "instances/nope");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("The client is not authorized to make this request.", ErrorMessage(body));
        Assert.Equal("notAuthorized", LegacyReason(body));
    }

    [Fact]
    public async Task The_admin_surface_turns_the_switch_off_and_on()
    {
        EnableServices("sqladmin.googleapis.com");

        var off = await Http.PutAsync("_emulator/sql", new StringContent("""{"missingInstanceAnswers403": false}"""));
        var (offStatus, _) = await CallAsync(HttpMethod.Get, Sql + "instances/nope");
        await Http.PutAsync("_emulator/sql", new StringContent("""{"missingInstanceAnswers403": true}"""));
        var (onStatus, _) = await CallAsync(HttpMethod.Get, Sql + "instances/nope");

        Assert.False((await ReadJsonAsync(off))["missingInstanceAnswers403"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, offStatus);
        Assert.Equal(HttpStatusCode.Forbidden, onStatus);
    }
}
