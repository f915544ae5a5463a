using System;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The operation store every API family shares, driven by a manual clock.</summary>
public sealed class OperationStoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Realistic_operation_goes_pending_running_done_and_completes_once()
    {
        var clock = new ManualClock();
        var state = new EmulatorState(clock);
        state.Latency.Set("realistic", 1.0);
        var completions = 0;

        var operation = state.Operations.Start("operations/op-1", "sql.instances.create", () =>
        {
            completions++;
            return new JsonObject { ["name"] = "mlflow" };
        });
        var atStart = operation.PhaseAt(clock.Now);
        clock.Now += TimeSpan.FromMinutes(2);
        state.Operations.Settle();
        var midway = operation.PhaseAt(clock.Now);
        clock.Now += TimeSpan.FromMinutes(7);
        state.Operations.Settle();
        state.Operations.Settle();

        Assert.Equal(OperationPhase.Pending, atStart);
        Assert.Equal(OperationPhase.Running, midway);
        Assert.Equal(OperationPhase.Done, operation.PhaseAt(clock.Now));
        Assert.Equal(1, completions);
        Assert.Equal("mlflow", operation.ToLongRunningJson()["response"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Operation_whose_completion_fails_is_done_with_an_error()
    {
        var state = new EmulatorState();

        var operation = state.Operations.Start("operations/op-2", "servicenetworking.connections.create",
            () => throw GoogleApiError.FailedPrecondition("Cannot modify allocated ranges in CreateConnection. Please use UpdateConnection."));
        var json = operation.ToLongRunningJson();

        Assert.True(json["done"]!.GetValue<bool>());
        Assert.Null(json["response"]);
        Assert.Equal(9, json["error"]!["code"]!.GetValue<int>());
        Assert.StartsWith("Cannot modify allocated ranges", json["error"]!["message"]!.GetValue<string>());
    }
}

public sealed class ServiceStateTests : EmulatorTestBase
{
    [Fact]
    public async Task Disable_turns_a_service_off_and_the_disabled_filter_lists_it()
    {
        var token = await DeployerTokenAsync();

        var operation = await ReadJsonAsync(await SendAsync(HttpMethod.Post,
            "serviceusage/v1/projects/mlflow-demo/services/bigquery.googleapis.com:disable", token, """{"disableDependentServices": true}"""));
        var disabled = await ReadJsonAsync(await SendAsync(HttpMethod.Get,
            "serviceusage/v1/projects/mlflow-demo/services?filter=state:DISABLED&pageSize=200", token));

        Assert.Equal("DISABLED", operation["response"]!["service"]!["state"]!.GetValue<string>());
        Assert.DoesNotContain("bigquery.googleapis.com", Host.State.GetProject(Project).EnabledServices);
        Assert.Contains(disabled["services"]!.AsArray(), s => s!["config"]!["name"]!.GetValue<string>() == "bigquery.googleapis.com");
    }

    [Fact]
    public async Task Unknown_enum_value_is_refused_with_its_type()
    {
        var response = await SendAsync(HttpMethod.Post, "serviceusage/v1/projects/mlflow-demo/services/bigquery.googleapis.com:disable",
            await DeployerTokenAsync(), """{"checkIfServiceHasUsage": "MAYBE"}""");
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "Invalid value at 'check_if_service_has_usage' (type.googleapis.com/google.api.serviceusage.v1.DisableServiceRequest.CheckIfServiceHasUsage), \"MAYBE\"",
            ErrorMessage(body));
        Assert.Contains("bigquery.googleapis.com", Host.State.GetProject(Project).EnabledServices);
    }

    [Fact]
    public async Task Get_service_accepts_the_project_number()
    {
        var number = Host.State.GetProject(Project).ProjectNumber;

        var service = await ReadJsonAsync(await SendAsync(HttpMethod.Get,
            $"serviceusage/v1/projects/{number}/services/compute.googleapis.com", await DeployerTokenAsync()));

        Assert.Equal($"projects/{number}/services/compute.googleapis.com", service["name"]!.GetValue<string>());
        Assert.Equal($"projects/{number}", service["parent"]!.GetValue<string>());
        Assert.Equal("Compute Engine API", service["config"]!["title"]!.GetValue<string>());
        Assert.Equal("DISABLED", service["state"]!.GetValue<string>());
    }
}
