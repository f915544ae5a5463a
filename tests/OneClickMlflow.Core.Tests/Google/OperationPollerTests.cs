using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>The three operation families on one schedule, against a scripted server that answers like Google.</summary>
public sealed class OperationPollerTests
{
    private static readonly PollSchedule Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(40) };

    private static (OperationPoller Poller, GoogleHttpPipeline Pipeline) PollerFor(ScriptedServer server)
    {
        var pipeline = new GoogleHttpPipeline(null, "test", new RetrySettings { BaseDelay = TimeSpan.FromMilliseconds(10) });
        return (new OperationPoller(pipeline, EndpointsFor(server), Quick), pipeline);
    }

    /// <summary>Compute, Cloud SQL and Service Networking at the scripted server.</summary>
    private static ApiEndpoints EndpointsFor(ScriptedServer server) => ApiEndpoints.FromConfiguration(GcloudConfiguration.Load(new Dictionary<string, string>
    {
        ["CLOUDSDK_CONFIG"] = "/nonexistent-gcloud-config",
        ["CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE"] = server.BaseUri + "compute/compute/v1/",
        ["CLOUDSDK_API_ENDPOINT_OVERRIDES_SQL"] = server.BaseUri + "sql/",
        ["CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING"] = server.BaseUri + "servicenetworking/",
    }));

    /// <summary>Answers "RUNNING" <paramref name="runningPolls"/> times, then the final state.</summary>
    private static Func<string, string, (int, string)> Countdown(int runningPolls, string running, string done)
    {
        var polls = 0;
        return (_, _) => (200, Interlocked.Increment(ref polls) <= runningPolls ? running : done);
    }

    [Fact]
    public async Task Compute_operation_already_done_needs_no_poll()
    {
        using var server = new ScriptedServer((_, _) => (500, "{}"));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var operation = new ResourceOperation { Kind = "compute#operation", Name = "op-1", Status = "DONE" };

        var finished = await poller.WaitAsync(GoogleApis.Compute, operation, null, CancellationToken.None);

        Assert.Equal("DONE", finished.Status);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Compute_operation_is_polled_at_its_self_link_under_the_override_until_done()
    {
        const string link = "https://compute.googleapis.com/compute/v1/projects/proj-one/global/operations/op-1";
        using var server = new ScriptedServer(Countdown(2,
            $$"""{"kind": "compute#operation", "name": "op-1", "status": "RUNNING", "selfLink": "{{link}}"}""",
            $$"""{"kind": "compute#operation", "name": "op-1", "status": "DONE", "selfLink": "{{link}}", "targetLink": "t"}"""));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var progress = new List<TimeSpan>();
        var operation = new ResourceOperation { Kind = "compute#operation", Name = "op-1", Status = "PENDING", SelfLink = link };

        var finished = await poller.WaitAsync(GoogleApis.Compute, operation, progress.Add, CancellationToken.None);

        Assert.Equal("t", finished.TargetLink);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("GET /compute/compute/v1/projects/proj-one/global/operations/op-1", r));
        Assert.Equal(3, progress.Count);
    }

    [Fact]
    public async Task Failed_sql_operation_raises_with_its_message()
    {
        const string link = "https://sqladmin.googleapis.com/sql/v1beta4/projects/proj-one/operations/op-9";
        using var server = new ScriptedServer(Countdown(1,
            $$"""{"kind": "sql#operation", "name": "op-9", "status": "RUNNING", "selfLink": "{{link}}"}""",
            $$$"""{"kind": "sql#operation", "name": "op-9", "status": "DONE", "selfLink": "{{{link}}}", "error": {"kind": "sql#operationErrors", "errors": [{"kind": "sql#operationError", "code": "ERROR_RDBMS", "message": "Disk full."}]}}"""));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var operation = new ResourceOperation { Kind = "sql#operation", Name = "op-9", Status = "PENDING", SelfLink = link };

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => poller.WaitAsync(GoogleApis.Sql, operation, null, CancellationToken.None));

        Assert.Equal("Disk full.", error.Message);
        Assert.Equal("ERROR_RDBMS", error.Status);
        Assert.All(server.Requests, r => Assert.Equal("GET /sql/sql/v1beta4/projects/proj-one/operations/op-9", r));
    }

    [Fact]
    public async Task Failed_compute_operation_raises_with_its_http_status_and_message()
    {
        using var server = new ScriptedServer((_, _) => (500, "{}"));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var operation = JsonSerializer.Deserialize<ResourceOperation>(
            """{"kind": "compute#operation", "name": "op-2", "status": "DONE", "httpErrorStatusCode": 409, "error": {"errors": [{"code": "RESOURCE_ALREADY_EXISTS", "message": "The resource 'mlflow' already exists"}]}}""",
            GoogleJson.Options)!;

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => poller.WaitAsync(GoogleApis.Compute, operation, null, CancellationToken.None));

        Assert.Equal(409, error.Code);
        Assert.Equal("The resource 'mlflow' already exists", error.Message);
    }

    [Fact]
    public async Task Long_running_operation_failure_carries_its_code_and_message()
    {
        using var server = new ScriptedServer(Countdown(1,
            """{"name": "operations/c.1", "done": false}""",
            """{"name": "operations/c.1", "done": true, "error": {"code": 9, "message": "Cannot modify allocated ranges in CreateConnection. Please use UpdateConnection."}}"""));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => poller.WaitAsync(GoogleApis.ServiceNetworking,
            new LongRunningOperation { Name = "operations/c.1" }, null, CancellationToken.None));

        Assert.Equal(9, error.Code);
        Assert.StartsWith("Cannot modify allocated ranges", error.Message);
        Assert.All(server.Requests, r => Assert.Equal("GET /servicenetworking/v1/operations/c.1", r));
    }

    [Fact]
    public async Task A_connection_whose_operation_fails_makes_the_client_call_fail_with_googles_reason()
    {
        using var server = new ScriptedServer((method, _) => method == "POST"
            ? (200, """{"name": "operations/c.2", "done": false}""")
            : (200, """{"name": "operations/c.2", "done": true, "error": {"code": 9, "message": "Allocated IP range 'mlflow-range' not found in network."}}"""));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var client = new ServiceNetworkingClient(pipeline, EndpointsFor(server), poller);

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => client.CreateConnectionAsync(
            "projects/123/global/networks/mlflow-network", new[] { "mlflow-range" }, null, CancellationToken.None));

        Assert.Equal(9, error.Code);
        Assert.Equal("Allocated IP range 'mlflow-range' not found in network.", error.Message);
        Assert.Equal("GET /servicenetworking/v1/operations/c.2", server.Requests[^1]);
    }

    [Fact]
    public async Task An_instance_patch_whose_operation_fails_makes_the_client_call_fail_with_googles_reason()
    {
        const string link = "https://sqladmin.googleapis.com/sql/v1beta4/projects/proj-one/operations/op-5";
        using var server = new ScriptedServer((method, _) => method == "PATCH"
            ? (200, $$"""{"kind": "sql#operation", "name": "op-5", "status": "PENDING", "selfLink": "{{link}}"}""")
            : (200, $$$"""{"kind": "sql#operation", "name": "op-5", "status": "DONE", "selfLink": "{{{link}}}", "error": {"kind": "sql#operationErrors", "errors": [{"kind": "sql#operationError", "code": "INVALID_TIER", "message": "Invalid tier."}]}}"""));
        var (poller, pipeline) = PollerFor(server);
        using var _ = pipeline;
        var client = new CloudSqlClient(pipeline, EndpointsFor(server), poller);

        var error = await Assert.ThrowsAsync<OperationFailedException>(() => client.PatchInstanceAsync(
            "proj-one", "mlflow-db", new DatabaseInstance { Settings = new DatabaseInstanceSettings { Tier = "db-x" } }, null, CancellationToken.None));

        Assert.Equal(("INVALID_TIER", "Invalid tier."), (error.Status, error.Message));
        Assert.Equal("GET /sql/sql/v1beta4/projects/proj-one/operations/op-5", server.Requests[^1]);
    }

    [Fact]
    public async Task Poll_gives_up_after_the_schedule_timeout()
    {
        using var server = new ScriptedServer((_, _) => (200, """{"name": "operations/slow", "done": false}"""));
        var (_, pipeline) = PollerFor(server);
        using var __ = pipeline;
        var endpoints = ApiEndpoints.FromConfiguration(GcloudConfiguration.Load(new Dictionary<string, string>
        {
            ["CLOUDSDK_CONFIG"] = "/nonexistent-gcloud-config",
            ["CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING"] = server.BaseUri.ToString(),
        }));
        var poller = new OperationPoller(pipeline, endpoints, new PollSchedule
        {
            FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromMilliseconds(200),
        });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => poller.WaitAsync(GoogleApis.ServiceNetworking,
            new LongRunningOperation { Name = "operations/slow" }, null, CancellationToken.None));

        Assert.Contains("operations/slow", error.Message);
        Assert.NotEmpty(server.Requests);
    }

    [Fact]
    public async Task Compute_and_sql_error_bodies_give_their_reason()
    {
        using var server = new ScriptedServer((_, path) => path.Contains("/sql/")
            ? (409, """{"error": {"code": 409, "message": "The Cloud SQL instance already exists.", "errors": [{"domain": "global", "reason": "instanceAlreadyExists", "message": "The Cloud SQL instance already exists."}]}}""")
            : (409, """{"error": {"code": 409, "message": "The resource 'projects/proj-one/global/networks/mlflow' already exists", "errors": [{"domain": "global", "reason": "alreadyExists", "message": "The resource 'projects/proj-one/global/networks/mlflow' already exists"}]}}"""));
        var (_, pipeline) = PollerFor(server);
        using var __ = pipeline;

        var compute = await Assert.ThrowsAsync<GoogleCloudApiException>(() => pipeline.SendAsync(new GoogleRequest(GoogleApis.Compute,
            HttpMethod.Post, new Uri(server.BaseUri, "compute/compute/v1/projects/proj-one/global/networks?requestId=abc"), new { name = "mlflow" }, RequestRetry.Safe), CancellationToken.None));
        var sql = await Assert.ThrowsAsync<GoogleCloudApiException>(() => pipeline.SendAsync(new GoogleRequest(GoogleApis.Sql,
            HttpMethod.Post, new Uri(server.BaseUri, "sql/sql/v1beta4/projects/proj-one/instances"), new { name = "mlflow" }), CancellationToken.None));

        Assert.Equal(("alreadyExists", 409, "compute"), (compute.Reason, compute.HttpStatus, compute.Api));
        Assert.Equal(("instanceAlreadyExists", "The Cloud SQL instance already exists."), (sql.Reason, sql.Message));
        Assert.True(sql.IsAlreadyExists);
    }
}
