using System;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// Cloud SQL tests: a VPC with an allocated range and (optionally) its Service Networking connection, made through
/// the emulator's Compute and Service Networking APIs as the deployment makes them, and instance bodies.
/// </summary>
public abstract class CloudSqlTestBase : PlatformTestBase
{
    protected const string Sql = "sql/sql/v1beta4/projects/mlflow-demo/";
    protected const string RangeStart = "10.20.0.0";

    protected string PrivateNetwork => $"projects/{Project}/global/networks/mlflow-net";

    /// <summary>The network mlflow-net with the range mlflow-range (10.20.0.0/16) and, when asked, the peering.</summary>
    protected async Task SeedNetworkAsync(bool connect = true)
    {
        EnableServices("compute.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com");
        const string global = "compute/compute/v1/projects/mlflow-demo/global/";
        await CallAsync(HttpMethod.Post, global + "networks", """{"name": "mlflow-net", "autoCreateSubnetworks": false}""");
        await CallAsync(HttpMethod.Post, global + "addresses", $$"""
            {"name": "mlflow-range", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "address": "{{RangeStart}}",
             "prefixLength": 16, "network": "global/networks/mlflow-net"}
            """);
        if (connect)
        {
            var (status, body) = await CallAsync(HttpMethod.Post,
                "servicenetworking/v1/services/servicenetworking.googleapis.com/connections",
                $$"""{"network": "projects/{{ProjectNumber}}/global/networks/mlflow-net", "reservedPeeringRanges": ["mlflow-range"]}""");
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        }
    }

    /// <summary>A private-IP MySQL instance body like the deployment's; <paramref name="edit"/> changes it.</summary>
    protected JsonObject InstanceBody(string name = "mlflow-db", Action<JsonObject>? edit = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["databaseVersion"] = "MYSQL_8_0",
            ["region"] = "europe-west1",
            ["settings"] = new JsonObject
            {
                ["tier"] = "db-g1-small",
                ["edition"] = "ENTERPRISE",
                ["deletionProtectionEnabled"] = true,
                ["ipConfiguration"] = new JsonObject
                {
                    ["ipv4Enabled"] = false,
                    ["privateNetwork"] = PrivateNetwork,
                    ["allocatedIpRange"] = "mlflow-range",
                    ["sslMode"] = "ENCRYPTED_ONLY",
                },
                ["backupConfiguration"] = new JsonObject
                {
                    ["enabled"] = true,
                    ["binaryLogEnabled"] = true,
                    ["startTime"] = "03:00",
                    ["transactionLogRetentionDays"] = 7,
                    ["backupRetentionSettings"] = new JsonObject { ["retainedBackups"] = 7, ["retentionUnit"] = "COUNT" },
                },
                ["userLabels"] = new JsonObject { ["app"] = "mlflow" },
            },
        };
        edit?.Invoke(body);
        return body;
    }

    protected Task<(HttpStatusCode Status, JsonObject Body)> CreateAsync(JsonObject body) =>
        CallAsync(HttpMethod.Post, Sql + "instances", body.ToJsonString());

    /// <summary>Polls a sql#operation until its status is DONE.</summary>
    protected async Task<JsonObject> WaitAsync(JsonObject operation)
    {
        var clock = Stopwatch.StartNew();
        while (operation["status"]?.GetValue<string>() != "DONE" && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            (_, operation) = await CallAsync(HttpMethod.Get, Sql + "operations/" + operation["name"]!.GetValue<string>());
        }
        return operation;
    }
}
