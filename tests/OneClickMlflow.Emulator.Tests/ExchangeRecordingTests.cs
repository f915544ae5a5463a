using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>With RecordExchanges, every API request is kept with both bodies, secret values replaced.</summary>
public sealed class ExchangeRecordingTests : PlatformTestBase
{
    private const string Secrets = "secretmanager/v1/projects/mlflow-demo/secrets";
    private const string Payload = "bXlzcWwtcGFzc3dvcmQ="; // "mysql-password"

    protected override EmulatorOptions Options() => new() { RecordExchanges = true };

    [Fact]
    public async Task Requests_and_answers_are_kept_in_order_with_bodies_and_without_secret_values()
    {
        EnableServices("secretmanager.googleapis.com");
        Host.ClearExchanges();

        await CallAsync(HttpMethod.Post, Secrets + "?secretId=db-password", """{"replication": {"automatic": {}}}""");
        await CallAsync(HttpMethod.Post, Secrets + "/db-password:addVersion", new JsonObject { ["payload"] = new JsonObject { ["data"] = Payload } }.ToJsonString());
        var (_, accessed) = await CallAsync(HttpMethod.Get, Secrets + "/db-password/versions/latest:access?access_token=ya29.x&prettyPrint=false");
        var (missingStatus, _) = await CallAsync(HttpMethod.Get, Secrets + "/nosuch");
        var served = JsonNode.Parse(await Http.GetStringAsync("_emulator/exchanges"))!.AsArray();

        var exchanges = Host.Exchanges.Where(e => e.Api == "secretmanager").ToList();
        Assert.Equal(new[] { "POST", "POST", "GET", "GET" }, exchanges.Select(e => e.Method));
        Assert.Equal("/" + Secrets, exchanges[0].Path);
        Assert.Equal("?secretId=db-password", exchanges[0].Query);
        Assert.Equal("""{"replication": {"automatic": {}}}""", exchanges[0].RequestBody);
        Assert.Equal(200, exchanges[0].Status);
        Assert.Contains("\"replication\"", exchanges[0].ResponseBody);
        Assert.Equal("""{"payload":{"data":"REDACTED"}}""", exchanges[1].RequestBody);
        Assert.Equal(Payload, accessed["payload"]!["data"]!.GetValue<string>());
        Assert.Contains("\"data\":\"REDACTED\"", exchanges[2].ResponseBody);
        Assert.Equal("?access_token=REDACTED&prettyPrint=false", exchanges[2].Query);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal(404, exchanges[3].Status);
        Assert.Contains("NOT_FOUND", exchanges[3].ResponseBody);
        Assert.All(Host.Exchanges.Where(e => e.Api == "oauth2"), e => Assert.Null(e.RequestBody)); // a form, not JSON
        Assert.DoesNotContain(Payload, served.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Host.Exchanges.Count, served.Count);
        Assert.Equal("/" + Secrets + "/db-password:addVersion", (string?)served.Single(e => (string?)e!["requestBody"] == exchanges[1].RequestBody)!["path"]);
    }

    [Fact]
    public async Task The_admin_surface_clears_the_recording_and_is_not_recorded_itself()
    {
        await Http.GetStringAsync("_emulator/state");
        await Http.DeleteAsync("_emulator/exchanges");
        await Http.PostAsync("_emulator/faults", new StringContent("""{"rate": 0}""", Encoding.UTF8, "application/json"));

        Assert.Empty(Host.Exchanges);
        Assert.Equal("[]", await Http.GetStringAsync("_emulator/exchanges"));
    }
}

/// <summary>Recording is a named switch: off unless asked for.</summary>
public sealed class ExchangeRecordingOffTests : PlatformTestBase
{
    [Fact]
    public async Task Without_the_switch_nothing_is_kept_and_the_admin_surface_says_how_to_turn_it_on()
    {
        await CallAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo");

        var response = await Http.GetAsync("_emulator/exchanges");

        Assert.Empty(Host.Exchanges);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("--record-exchanges", ErrorMessage(await ReadJsonAsync(response)));
    }
}
