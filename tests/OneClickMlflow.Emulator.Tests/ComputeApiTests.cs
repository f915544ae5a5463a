using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class ComputeApiTests : PlatformTestBase
{
    private const string Global = "compute/compute/v1/projects/mlflow-demo/global/";

    private async Task<JsonObject> InsertAsync(string collection, string json, string query = "")
    {
        EnableServices("compute.googleapis.com");
        var (status, body) = await CallAsync(HttpMethod.Post, Global + collection + query, json);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private Task<JsonObject> InsertNetworkAsync(string name = "mlflow-net") =>
        InsertAsync("networks", $$$"""{"name": "{{{name}}}", "autoCreateSubnetworks": true, "routingConfig": {"routingMode": "REGIONAL"}}""");

    private Task<JsonObject> InsertRangeAsync(string name, string network = "mlflow-net", string extra = "") =>
        InsertAsync("addresses", $$"""
            {"name": "{{name}}", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
             "network": "projects/mlflow-demo/global/networks/{{network}}"{{extra}}}
            """);

    [Fact]
    public async Task Network_insert_answers_a_done_operation_and_the_network_can_be_read_back()
    {
        var operation = await InsertNetworkAsync();
        var (status, network) = await CallAsync(HttpMethod.Get, Global + "networks/mlflow-net");

        Assert.Equal("compute#operation", operation["kind"]!.GetValue<string>());
        Assert.Equal("DONE", operation["status"]!.GetValue<string>());
        Assert.Equal("insert", operation["operationType"]!.GetValue<string>());
        Assert.EndsWith("/projects/mlflow-demo/global/networks/mlflow-net", operation["targetLink"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(network["autoCreateSubnetworks"]!.GetValue<bool>());
        Assert.Equal("REGIONAL", network["routingConfig"]!["routingMode"]!.GetValue<string>());
        Assert.Equal(operation["targetLink"]!.GetValue<string>(), network["selfLink"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inserting_an_existing_network_is_409_with_Computes_error_shape()
    {
        await InsertNetworkAsync();

        var (status, body) = await CallAsync(HttpMethod.Post, Global + "networks", """{"name": "mlflow-net"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("The resource 'projects/mlflow-demo/global/networks/mlflow-net' already exists", ErrorMessage(body));
        Assert.Equal("alreadyExists", LegacyReason(body));
        Assert.Equal("global", body["error"]!["errors"]![0]!["domain"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_network_is_404_notFound()
    {
        EnableServices("compute.googleapis.com");

        var (status, body) = await CallAsync(HttpMethod.Get, Global + "networks/absent");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("notFound", LegacyReason(body));
        Assert.Equal("The resource 'projects/mlflow-demo/global/networks/absent' was not found", ErrorMessage(body));
    }

    [Fact]
    public async Task Unknown_fields_and_bad_names_are_refused()
    {
        EnableServices("compute.googleapis.com");

        var (unknownStatus, unknown) = await CallAsync(HttpMethod.Post, Global + "networks", """{"name": "n1", "autoSubnets": true}""");
        var (badNameStatus, badName) = await CallAsync(HttpMethod.Post, Global + "networks", """{"name": "Bad_Name"}""");
        var (typeStatus, wrongType) = await CallAsync(HttpMethod.Post, Global + "networks", """{"name": "n1", "autoCreateSubnetworks": "yes"}""");

        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Equal("Invalid JSON payload received. Unknown name \"autoSubnets\": Cannot find field.", ErrorMessage(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, badNameStatus);
        Assert.StartsWith("Invalid value for field 'resource.name': 'Bad_Name'.", ErrorMessage(badName));
        Assert.Equal(HttpStatusCode.BadRequest, typeStatus);
        Assert.Contains("autoCreateSubnetworks", ErrorMessage(wrongType).Replace("auto_create_subnetworks", "autoCreateSubnetworks"));
        Assert.Empty(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ComputeState>().Networks);
    }

    [Fact]
    public async Task Compute_calls_need_the_Compute_API_enabled()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, Global + "networks");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("Compute Engine API has not been used in project", ErrorMessage(body));
    }

    [Fact]
    public async Task A_repeated_requestId_returns_the_same_operation_instead_of_a_conflict()
    {
        var requestId = Guid.NewGuid().ToString();
        var first = await InsertAsync("networks", """{"name": "mlflow-net"}""", "?requestId=" + requestId);

        var (status, again) = await CallAsync(HttpMethod.Post, Global + "networks?requestId=" + requestId, """{"name": "mlflow-net"}""");
        var (badStatus, _) = await CallAsync(HttpMethod.Post, Global + "networks?requestId=not-a-uuid", """{"name": "other"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first["name"]!.GetValue<string>(), again["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Single(Host.State.ApiState<OneClickMlflow.Emulator.Apis.ComputeState>().Networks);
    }

    [Fact]
    public async Task Peering_ranges_are_allocated_without_overlap_and_honour_a_given_address()
    {
        await InsertNetworkAsync();
        await InsertRangeAsync("range-a");
        await InsertRangeAsync("range-b");
        await InsertRangeAsync("range-c", extra: """, "address": "10.100.0.0" """);
        var (overlapStatus, overlap) = await CallAsync(HttpMethod.Post, Global + "addresses", """
            {"name": "range-d", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 20,
             "address": "10.100.16.0", "network": "global/networks/mlflow-net"}
            """);

        var (subnetStatus, _) = await CallAsync(HttpMethod.Post, Global + "addresses", """
            {"name": "range-e", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
             "address": "10.130.0.0", "network": "global/networks/mlflow-net"}
            """);

        var (_, list) = await CallAsync(HttpMethod.Get, Global + "addresses");
        var items = list["items"]!.AsArray().Select(a => a!.AsObject()).ToDictionary(a => a["name"]!.GetValue<string>());

        Assert.Equal("10.0.0.0", items["range-a"]["address"]!.GetValue<string>());
        Assert.Equal("10.1.0.0", items["range-b"]["address"]!.GetValue<string>());
        Assert.Equal("10.100.0.0", items["range-c"]["address"]!.GetValue<string>());
        Assert.All(items.Values, a =>
        {
            Assert.Equal(16, a["prefixLength"]!.GetValue<int>());
            Assert.Equal("VPC_PEERING", a["purpose"]!.GetValue<string>());
            Assert.Equal("INTERNAL", a["addressType"]!.GetValue<string>());
            Assert.EndsWith("/projects/mlflow-demo/global/networks/mlflow-net", a["network"]!.GetValue<string>());
        });
        Assert.Equal(HttpStatusCode.BadRequest, overlapStatus);
        Assert.StartsWith("Invalid value for field 'resource.address': '10.100.16.0'.", ErrorMessage(overlap));
        Assert.Equal(HttpStatusCode.BadRequest, subnetStatus); // auto-mode subnets use 10.128.0.0/9
    }

    [Fact]
    public async Task Network_references_may_be_full_urls_of_any_host()
    {
        await InsertNetworkAsync();

        await InsertAsync("addresses", """
            {"name": "range-a", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
             "network": "https://www.googleapis.com/compute/v1/projects/mlflow-demo/global/networks/mlflow-net"}
            """);
        var (missingStatus, missing) = await CallAsync(HttpMethod.Post, Global + "addresses", """
            {"name": "range-b", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
             "network": "projects/mlflow-demo/global/networks/absent"}
            """);

        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal("The resource 'projects/mlflow-demo/global/networks/absent' was not found", ErrorMessage(missing));
    }

    [Fact]
    public async Task Address_labels_are_ignored_at_insert_and_set_only_with_the_current_fingerprint()
    {
        await InsertNetworkAsync();
        await InsertRangeAsync("range-a", extra: """, "labels": {"app": "mlflow"}""");
        var (_, address) = await CallAsync(HttpMethod.Get, Global + "addresses/range-a");
        var fingerprint = address["labelFingerprint"]!.GetValue<string>();

        var (staleStatus, stale) = await CallAsync(HttpMethod.Post, Global + "addresses/range-a/setLabels",
            """{"labels": {"app": "other"}, "labelFingerprint": "AAAAAAAAAAA="}""");
        var (okStatus, _) = await CallAsync(HttpMethod.Post, Global + "addresses/range-a/setLabels",
            $$"""{"labels": {"app": "mlflow", "env": "prod"}, "labelFingerprint": "{{fingerprint}}"}""");
        var (_, changed) = await CallAsync(HttpMethod.Get, Global + "addresses/range-a");

        Assert.Null(address["labels"]);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleStatus);
        Assert.Equal("conditionNotMet", LegacyReason(stale));
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("prod", changed["labels"]!["env"]!.GetValue<string>());
        Assert.Equal("mlflow", changed["labels"]!["app"]!.GetValue<string>());
        Assert.NotEqual(fingerprint, changed["labelFingerprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_network_in_use_cannot_be_deleted_until_its_addresses_and_firewalls_are_gone()
    {
        await InsertNetworkAsync();
        await InsertRangeAsync("range-a");
        await InsertAsync("firewalls", """
            {"name": "allow-ssh", "network": "global/networks/mlflow-net", "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}]}
            """);

        var (inUseStatus, inUse) = await CallAsync(HttpMethod.Delete, Global + "networks/mlflow-net");
        await CallAsync(HttpMethod.Delete, Global + "addresses/range-a");
        var (stillStatus, still) = await CallAsync(HttpMethod.Delete, Global + "networks/mlflow-net");
        var (_, firewall) = await CallAsync(HttpMethod.Get, Global + "firewalls/allow-ssh");
        await CallAsync(HttpMethod.Delete, Global + "firewalls/allow-ssh");
        var (deletedStatus, deleted) = await CallAsync(HttpMethod.Delete, Global + "networks/mlflow-net");
        var (goneStatus, _) = await CallAsync(HttpMethod.Get, Global + "networks/mlflow-net");

        Assert.Equal(HttpStatusCode.BadRequest, inUseStatus);
        Assert.Equal("resourceInUseByAnotherResource", LegacyReason(inUse));
        Assert.Equal("The network resource 'projects/mlflow-demo/global/networks/mlflow-net' is already being used by " +
            "'projects/mlflow-demo/global/addresses/range-a'", ErrorMessage(inUse));
        Assert.Equal(HttpStatusCode.BadRequest, stillStatus);
        Assert.EndsWith("'projects/mlflow-demo/global/firewalls/allow-ssh'", ErrorMessage(still));
        Assert.Equal(1000, firewall["priority"]!.GetValue<int>());
        Assert.Equal("INGRESS", firewall["direction"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deletedStatus);
        Assert.Equal("delete", deleted["operationType"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
    }

    [Fact]
    public async Task Under_realistic_latency_the_operation_runs_and_wait_returns_it_done()
    {
        // network insert: 25 s * 0.2 = 5 s, long enough to be read while it runs on a busy machine.
        Host.State.Latency.Set("realistic", 0.2);
        var started = await InsertNetworkAsync();
        var name = started["name"]!.GetValue<string>();
        var (_, absentWhileRunning) = await CallAsync(HttpMethod.Get, Global + "networks/mlflow-net");
        var (_, polled) = await CallAsync(HttpMethod.Get, Global + "operations/" + name);
        for (var waitedForStart = Stopwatch.StartNew(); polled["status"]!.GetValue<string>() == "PENDING" && waitedForStart.Elapsed < TimeSpan.FromSeconds(4);)
        {
            await Task.Delay(20);
            (_, polled) = await CallAsync(HttpMethod.Get, Global + "operations/" + name);
        }
        var clock = Stopwatch.StartNew();

        var (waitStatus, waited) = await CallAsync(HttpMethod.Post, Global + $"operations/{name}/wait");

        Assert.Equal("PENDING", started["status"]!.GetValue<string>());
        Assert.Equal("notFound", LegacyReason(absentWhileRunning));
        Assert.Equal("RUNNING", polled["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, waitStatus);
        Assert.Equal("DONE", waited["status"]!.GetValue<string>());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15)); // the wait itself waited
        Assert.DoesNotContain(Host.Requests, r => r.Path.EndsWith("/wait") && r.Mutating);
    }

    [Fact]
    public async Task A_conflict_found_when_the_operation_completes_is_the_operations_error()
    {
        Host.State.Latency.Set("realistic", 0.02);
        var first = await InsertNetworkAsync();
        var second = await InsertNetworkAsync();

        var (_, failed) = await CallAsync(HttpMethod.Post, Global + $"operations/{second["name"]!.GetValue<string>()}/wait");

        Assert.NotEqual(first["name"]!.GetValue<string>(), second["name"]!.GetValue<string>());
        Assert.Equal("DONE", failed["status"]!.GetValue<string>());
        Assert.Equal("RESOURCE_ALREADY_EXISTS", failed["error"]!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(409, failed["httpErrorStatusCode"]!.GetValue<int>());
    }
}
