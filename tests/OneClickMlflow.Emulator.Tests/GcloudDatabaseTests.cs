using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI reads back the Cloud SQL instance and the secrets made through the APIs.</summary>
public sealed class GcloudDatabaseTests : CloudSqlTestBase
{
    private readonly ITestOutputHelper output;

    public GcloudDatabaseTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    private bool GcloudMissing() => GcloudCli.Missing(output);

    private async Task<GcloudCli> SignedInAsync()
    {
        var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);
        return gcloud;
    }

    private async Task MakeAsync(HttpMethod method, string path, string json)
    {
        var (status, body) = await CallAsync(method, path, json);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task Gcloud_describes_the_instance_and_lists_its_databases_and_users()
    {
        if (GcloudMissing())
        {
            return;
        }
        await SeedNetworkAsync();
        await MakeAsync(HttpMethod.Post, Sql + "instances", InstanceBody().ToJsonString());
        await MakeAsync(HttpMethod.Post, Sql + "instances/mlflow-db/databases", """{"name": "mlflow"}""");
        await MakeAsync(HttpMethod.Post, Sql + "instances/mlflow-db/users", """{"name": "mlflow", "password": "s3cret"}""");
        using var gcloud = await SignedInAsync();

        var instance = JsonNode.Parse(await gcloud.RunAsync("sql", "instances", "describe", "mlflow-db", "--format=json"))!;
        var databases = JsonNode.Parse(await gcloud.RunAsync("sql", "databases", "list", "-i", "mlflow-db", "--format=json"))!.AsArray();
        var users = JsonNode.Parse(await gcloud.RunAsync("sql", "users", "list", "-i", "mlflow-db", "--format=json"))!.AsArray();

        Assert.Equal("RUNNABLE", instance["state"]!.GetValue<string>());
        Assert.Equal("mlflow-demo:europe-west1:mlflow-db", instance["connectionName"]!.GetValue<string>());
        Assert.Equal("PRIVATE", instance["ipAddresses"]![0]!["type"]!.GetValue<string>());
        Assert.Contains(databases, d => d!["name"]!.GetValue<string>() == "mlflow"
            && d["collation"]!.GetValue<string>() == "utf8mb4_0900_ai_ci");
        Assert.Contains(users, u => u!["name"]!.GetValue<string>() == "mlflow" && u["host"]!.GetValue<string>() == "%");
        Assert.Contains(Host.Requests, r => r.Api == "sql" && r.Path == "/sql/sql/v1beta4/projects/mlflow-demo/instances/mlflow-db");
    }

    [Fact]
    public async Task Gcloud_creates_a_private_ip_instance_and_waits_for_its_operation()
    {
        if (GcloudMissing())
        {
            return;
        }
        await SeedNetworkAsync();
        Host.State.Latency.Set("realistic", 0.002); // 8 min -> about 1 s: gcloud must poll the operation
        using var gcloud = await SignedInAsync();

        await gcloud.RunAsync("sql", "instances", "create", "mlflow-db", "--database-version=MYSQL_8_4",
            "--edition=enterprise-plus", "--tier=db-perf-optimized-N-2", "--region=europe-west1",
            "--network=" + PrivateNetwork, "--no-assign-ip",
            "--ssl-mode=ENCRYPTED_ONLY", "--deletion-protection", "--format=json");
        var refused = await Record.ExceptionAsync(() => gcloud.RunAsync("sql", "instances", "delete", "mlflow-db"));

        var (_, instance) = await CallAsync(HttpMethod.Get, Sql + "instances/mlflow-db");
        Assert.Equal("RUNNABLE", instance["state"]!.GetValue<string>());
        Assert.Equal("PRIVATE", Assert.Single(instance["ipAddresses"]!.AsArray())!["type"]!.GetValue<string>());
        Assert.Equal("ENTERPRISE_PLUS", instance["settings"]!["edition"]!.GetValue<string>());
        Assert.Equal(PrivateNetwork, instance["settings"]!["ipConfiguration"]!["privateNetwork"]!.GetValue<string>());
        Assert.Contains(Host.Requests, r => r.Method == "GET" && r.Path.Contains("/operations/") && r.Status == 200);
        Assert.Contains("protected from deletion", refused?.Message);
    }

    [Fact]
    public async Task Gcloud_lists_secrets_and_accesses_the_latest_version()
    {
        if (GcloudMissing())
        {
            return;
        }
        EnableServices(SecretManagerApi.Service);
        await MakeAsync(HttpMethod.Post, "secretmanager/v1/projects/mlflow-demo/secrets?secretId=db-password",
            """{"replication": {"automatic": {}}}""");
        await MakeAsync(HttpMethod.Post, "secretmanager/v1/projects/mlflow-demo/secrets/db-password:addVersion",
            new JsonObject
            {
                ["payload"] = new JsonObject { ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("p4ss-w0rd")) },
            }.ToJsonString());
        using var gcloud = await SignedInAsync();

        var secrets = JsonNode.Parse(await gcloud.RunAsync("secrets", "list", "--format=json"))!.AsArray();
        var value = await gcloud.RunAsync("secrets", "versions", "access", "latest", "--secret", "db-password");

        Assert.Equal($"projects/{ProjectNumber}/secrets/db-password", Assert.Single(secrets)!["name"]!.GetValue<string>());
        Assert.Equal("p4ss-w0rd", value);
    }
}
