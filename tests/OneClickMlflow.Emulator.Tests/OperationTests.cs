using System;
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class OperationTests : EmulatorTestBase
{
    private const string EnableSql = "serviceusage/v1/projects/mlflow-demo/services/sqladmin.googleapis.com:enable";

    [Fact]
    public async Task With_zero_latency_enable_is_done_at_once()
    {
        var response = await SendAsync(HttpMethod.Post, EnableSql, await DeployerTokenAsync(), "{}");
        var operation = await ReadJsonAsync(response);

        Assert.True(operation["done"]!.GetValue<bool>());
        Assert.Equal("ENABLED", operation["response"]!["service"]!["state"]!.GetValue<string>());
        Assert.Contains("sqladmin.googleapis.com", Host.State.GetProject(Project).EnabledServices);
    }

    [Fact]
    public async Task With_realistic_latency_enable_is_pending_until_its_duration_passes()
    {
        Host.State.Latency.Set("realistic", 0.02); // 20 s * 0.02 = 0.4 s
        var token = await DeployerTokenAsync();

        var started = await ReadJsonAsync(await SendAsync(HttpMethod.Post, EnableSql, token, "{}"));
        var name = started["name"]!.GetValue<string>();
        var enabledAtStart = Host.State.GetProject(Project).EnabledServices.Contains("sqladmin.googleapis.com");
        var clock = Stopwatch.StartNew();
        JsonObject polled;
        do
        {
            await Task.Delay(50);
            polled = await ReadJsonAsync(await SendAsync(HttpMethod.Get, "serviceusage/v1/" + name, token));
        }
        while (polled["done"] is null && clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.StartsWith("operations/", name);
        Assert.Null(started["done"]);
        Assert.False(enabledAtStart);
        Assert.True(polled["done"]!.GetValue<bool>());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        Assert.Contains("sqladmin.googleapis.com", Host.State.GetProject(Project).EnabledServices);
    }

    [Fact]
    public async Task Enabling_an_enabled_service_answers_Googles_done_noop_operation()
    {
        Host.State.Latency.Set("realistic", 1);
        var token = await DeployerTokenAsync();

        var operation = await ReadJsonAsync(await SendAsync(HttpMethod.Post,
            "serviceusage/v1/projects/mlflow-demo/services/storage.googleapis.com:enable", token, "{}"));

        Assert.Equal("operations/noop.DONE_OPERATION", operation["name"]!.GetValue<string>());
        Assert.True(operation["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Batch_enable_then_list_enabled_shows_the_services_by_project_number()
    {
        var token = await DeployerTokenAsync();
        await SendAsync(HttpMethod.Post, "serviceusage/v1/projects/mlflow-demo/services:batchEnable", token,
            """{"serviceIds": ["compute.googleapis.com", "servicenetworking.googleapis.com"]}""");
        var number = Host.State.GetProject(Project).ProjectNumber;

        var list = await ReadJsonAsync(await SendAsync(HttpMethod.Get,
            $"serviceusage/v1/projects/{number}/services?filter=state:ENABLED&pageSize=200", token));
        var names = list["services"]!.AsArray();

        Assert.Contains(names, s => s!["name"]!.GetValue<string>() == $"projects/{number}/services/compute.googleapis.com");
        Assert.All(names, s => Assert.Equal("ENABLED", s!["state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_pages_with_page_tokens()
    {
        var token = await DeployerTokenAsync();

        var first = await ReadJsonAsync(await SendAsync(HttpMethod.Get, "serviceusage/v1/projects/mlflow-demo/services?pageSize=5", token));
        var next = first["nextPageToken"]!.GetValue<string>();
        var second = await ReadJsonAsync(await SendAsync(HttpMethod.Get,
            $"serviceusage/v1/projects/mlflow-demo/services?pageSize=5&pageToken={Uri.EscapeDataString(next)}", token));

        Assert.Equal(5, first["services"]!.AsArray().Count);
        Assert.NotEqual(first["services"]![0]!["name"]!.GetValue<string>(), second["services"]![0]!["name"]!.GetValue<string>());
    }
}
