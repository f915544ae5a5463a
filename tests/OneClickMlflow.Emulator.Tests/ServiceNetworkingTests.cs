using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class ServiceNetworkingTests : PlatformTestBase
{
    private const string Global = "compute/compute/v1/projects/mlflow-demo/global/";
    private const string Connections = "servicenetworking/v1/services/servicenetworking.googleapis.com/connections";

    private string NetworkName => $"projects/{ProjectNumber}/global/networks/mlflow-net";

    /// <summary>A network with two allocated ranges, as the deployment makes them before peering.</summary>
    private async Task SeedNetworkAsync()
    {
        EnableServices("compute.googleapis.com", "servicenetworking.googleapis.com");
        await CallAsync(HttpMethod.Post, Global + "networks", """{"name": "mlflow-net", "autoCreateSubnetworks": true}""");
        foreach (var range in new[] { "range-a", "range-b" })
        {
            await CallAsync(HttpMethod.Post, Global + "addresses", $$"""
                {"name": "{{range}}", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
                 "network": "global/networks/mlflow-net"}
                """);
        }
    }

    private string ConnectionBody(params string[] ranges) => new JsonObject
    {
        ["network"] = NetworkName,
        ["reservedPeeringRanges"] = new JsonArray(ranges.Select(r => (JsonNode?)r).ToArray()),
    }.ToJsonString();

    private async Task<JsonObject> PollAsync(JsonObject operation)
    {
        var clock = Stopwatch.StartNew();
        while (operation["done"] is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            (_, operation) = await CallAsync(HttpMethod.Get, "servicenetworking/v1/" + operation["name"]!.GetValue<string>());
        }
        return operation;
    }

    [Fact]
    public async Task Creating_a_connection_peers_the_network_and_lists_the_connection()
    {
        await SeedNetworkAsync();

        var (status, operation) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));
        var (_, list) = await CallAsync(HttpMethod.Get, Connections + "?network=" + Uri.EscapeDataString(NetworkName));
        var (_, network) = await CallAsync(HttpMethod.Get, Global + "networks/mlflow-net");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("operations/", operation["name"]!.GetValue<string>());
        Assert.True(operation["done"]!.GetValue<bool>());
        var connection = list["connections"]!.AsArray().Single()!;
        Assert.Equal(NetworkName, connection["network"]!.GetValue<string>());
        Assert.Equal("servicenetworking-googleapis-com", connection["peering"]!.GetValue<string>());
        Assert.Equal("services/servicenetworking.googleapis.com", connection["service"]!.GetValue<string>());
        Assert.Equal(new[] { "range-a" }, connection["reservedPeeringRanges"]!.AsArray().Select(r => r!.GetValue<string>()));
        var peering = network["peerings"]!.AsArray().Single()!;
        Assert.Equal("servicenetworking-googleapis-com", peering["name"]!.GetValue<string>());
        Assert.Equal("ACTIVE", peering["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_again_with_other_ranges_fails_the_operation_and_PATCH_updates_them()
    {
        await SeedNetworkAsync();
        await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));

        var (_, sameAgain) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));
        var (_, failed) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a", "range-b"));
        var (patchStatus, patched) = await CallAsync(HttpMethod.Patch,
            Connections + "/-?force=true&updateMask=reservedPeeringRanges", ConnectionBody("range-a", "range-b"));
        var (_, list) = await CallAsync(HttpMethod.Get, Connections + "?network=" + Uri.EscapeDataString(NetworkName));

        Assert.Null(sameAgain["error"]);
        Assert.True(failed["done"]!.GetValue<bool>());
        Assert.Equal(9, failed["error"]!["code"]!.GetValue<int>());
        Assert.Equal("Cannot modify allocated ranges in CreateConnection. Please use UpdateConnection.",
            failed["error"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Null(patched["error"]);
        Assert.Equal(new[] { "range-a", "range-b" },
            list["connections"]![0]!["reservedPeeringRanges"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task The_network_must_be_named_by_project_number_and_exist_and_each_range_must_be_allocated_on_it()
    {
        await SeedNetworkAsync();

        var (byIdStatus, _) = await CallAsync(HttpMethod.Post, Connections,
            """{"network": "projects/mlflow-demo/global/networks/mlflow-net", "reservedPeeringRanges": ["range-a"]}""");
        var (missingNetworkStatus, missingNetwork) = await CallAsync(HttpMethod.Post, Connections,
            $$"""{"network": "projects/{{ProjectNumber}}/global/networks/absent", "reservedPeeringRanges": ["range-a"]}""");
        var (missingRangeStatus, missingRange) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-z"));
        var (unknownStatus, unknown) = await CallAsync(HttpMethod.Post, Connections,
            $$"""{"network": "{{NetworkName}}", "reservedPeeringRanges": ["range-a"], "ranges": []}""");

        Assert.Equal(HttpStatusCode.BadRequest, byIdStatus);
        Assert.Equal(HttpStatusCode.BadRequest, missingNetworkStatus);
        Assert.Equal("FAILED_PRECONDITION", ErrorStatus(missingNetwork));
        Assert.Equal(HttpStatusCode.BadRequest, missingRangeStatus);
        Assert.Contains("range-z", ErrorMessage(missingRange));
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Equal("Invalid JSON payload received. Unknown name \"ranges\": Cannot find field.", ErrorMessage(unknown));
        Assert.Empty(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ServiceNetworkingState>().Connections);
    }

    [Fact]
    public async Task A_peered_network_and_its_reserved_range_cannot_be_deleted_until_the_connection_is_deleted()
    {
        await SeedNetworkAsync();
        await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));
        var (unreservedStatus, _) = await CallAsync(HttpMethod.Delete, Global + "addresses/range-b");

        var (reservedStatus, reserved) = await CallAsync(HttpMethod.Delete, Global + "addresses/range-a");
        var (peeredStatus, peered) = await CallAsync(HttpMethod.Delete, Global + "networks/mlflow-net");
        var (_, deleted) = await CallAsync(HttpMethod.Post, Connections + "/-", $$"""{"consumerNetwork": "{{NetworkName}}"}""");
        var (releasedStatus, _) = await CallAsync(HttpMethod.Delete, Global + "addresses/range-a");
        var (freeStatus, _) = await CallAsync(HttpMethod.Delete, Global + "networks/mlflow-net");

        Assert.Equal(HttpStatusCode.OK, unreservedStatus);
        Assert.Equal(HttpStatusCode.BadRequest, reservedStatus);
        Assert.Equal("resourceInUseByAnotherResource", LegacyReason(reserved));
        Assert.Contains("projects/mlflow-demo/global/networks/mlflow-net", ErrorMessage(reserved));
        Assert.Equal(HttpStatusCode.BadRequest, peeredStatus);
        Assert.Equal("resourceInUseByAnotherResource", LegacyReason(peered));
        Assert.True(deleted["done"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, releasedStatus);
        Assert.Equal(HttpStatusCode.OK, freeStatus);
    }

    [Fact]
    public async Task DeleteConnection_is_a_POST_on_the_connection_itself_and_a_custom_verb_suffix_is_not_a_method()
    {
        await SeedNetworkAsync();
        await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));
        var body = $$"""{"consumerNetwork": "{{NetworkName}}"}""";

        var (suffixedStatus, suffixed) = await CallAsync(HttpMethod.Post, Connections + "/-:deleteConnection", body);
        var (otherStatus, _) = await CallAsync(HttpMethod.Post, Connections + "/another-connection", body);
        Assert.Equal(HttpStatusCode.NotFound, suffixedStatus);
        Assert.Contains("was not found on this server", ErrorMessage(suffixed));
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.True(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ServiceNetworkingState>().Connections.ContainsKey(("mlflow-demo", "mlflow-net")));

        var (byPeeringNameStatus, deleted) = await CallAsync(HttpMethod.Post, Connections + "/servicenetworking-googleapis-com", body);
        Assert.Equal(HttpStatusCode.OK, byPeeringNameStatus);
        Assert.True(deleted["done"]!.GetValue<bool>());
        Assert.Empty(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ServiceNetworkingState>().Connections);
    }

    [Fact]
    public async Task Under_realistic_latency_the_connection_appears_when_its_operation_is_done()
    {
        await SeedNetworkAsync();
        Host.State.Latency.Set("realistic", 0.005); // 75 s * 0.005 = 0.375 s

        var (_, started) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));
        var (_, listWhileRunning) = await CallAsync(HttpMethod.Get, Connections + "?network=" + Uri.EscapeDataString(NetworkName));
        var done = await PollAsync(started);
        var (_, listAfter) = await CallAsync(HttpMethod.Get, Connections + "?network=" + Uri.EscapeDataString(NetworkName));

        Assert.Null(started["done"]);
        Assert.Null(listWhileRunning["connections"]);
        Assert.True(done["done"]!.GetValue<bool>());
        Assert.Equal("type.googleapis.com/google.cloud.servicenetworking.v1.Connection", done["response"]!["@type"]!.GetValue<string>());
        Assert.Single(listAfter["connections"]!.AsArray());
    }

    [Fact]
    public async Task Service_Networking_must_be_enabled_on_the_consumer_project()
    {
        await SeedNetworkAsync();
        lock (Host.State.Gate)
        {
            Host.State.GetProject(Project).EnabledServices.Remove("servicenetworking.googleapis.com");
        }

        var (status, body) = await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("Service Networking API has not been used in project", ErrorMessage(body));
    }
    [Fact]
    public async Task Google_s_delete_connection_form_has_no_verb_and_a_patch_without_a_mask_updates_every_range()
    {
        await SeedNetworkAsync();
        await CallAsync(HttpMethod.Post, Connections, ConnectionBody("range-a"));

        // gcloud's api_lib/services/peering.py: UpdateConnection sends no updateMask (it defaults to "*").
        var (patchStatus, patched) = await CallAsync(HttpMethod.Patch, Connections + "/-?force=True", ConnectionBody("range-a", "range-b"));
        var patchedRanges = (await PollAsync(patched))["response"]!["reservedPeeringRanges"]!.AsArray().Select(r => (string)r!);
        // DeleteConnection: POST v1/services/{service}/connections/{connection}, the connection named '-'.
        var (deleteStatus, deleted) = await CallAsync(HttpMethod.Post, Connections + "/-", $$"""{"consumerNetwork": "{{NetworkName}}"}""");

        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal(new[] { "range-a", "range-b" }, patchedRanges);
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.True((await PollAsync(deleted))["done"]!.GetValue<bool>());
        Assert.Empty(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ServiceNetworkingState>().Connections);
    }
}
