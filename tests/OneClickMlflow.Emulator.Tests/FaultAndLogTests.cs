using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class FaultAndLogTests : EmulatorTestBase
{
    private const string ListPath = "serviceusage/v1/projects/mlflow-demo/services";

    private Task<HttpResponseMessage> AdminPostAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>
    /// The one logged request of <paramref name="api"/>: a dropped connection is logged when the emulator's handler
    /// ends, which may be just after the caller saw the drop.
    /// </summary>
    private async Task<Emulator.RequestLogEntry> LoggedAsync(string api)
    {
        for (var wait = 0; wait < 100 && !Host.Requests.Any(r => r.Api == api); wait++)
        {
            await Task.Delay(50);
        }
        return Host.Requests.Single(r => r.Api == api);
    }

    [Fact]
    public async Task Fault_script_applies_in_order_to_matching_requests_then_stops()
    {
        var token = await DeployerTokenAsync();
        var added = await AdminPostAsync("_emulator/faults",
            """{"api": "serviceusage", "script": [503, "drop", 429, 200], "retryAfterSeconds": 2}""");

        var unavailable = await SendAsync(HttpMethod.Get, ListPath, token);
        var dropped = await Record.ExceptionAsync(() => SendAsync(HttpMethod.Get, ListPath, token));
        var exhausted = await SendAsync(HttpMethod.Get, ListPath, token);
        var passed = await SendAsync(HttpMethod.Get, ListPath, token);
        var afterScript = await SendAsync(HttpMethod.Get, ListPath, token);
        var otherApi = await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo", token);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("UNAVAILABLE", ErrorStatus(await ReadJsonAsync(unavailable)));
        Assert.Equal("2", unavailable.Headers.GetValues("Retry-After").Single());
        Assert.IsType<HttpRequestException>(dropped);
        Assert.Equal((HttpStatusCode)429, exhausted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterScript.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherApi.StatusCode);
        Assert.Equal(new[] { 503, 0, 429, 200, 200 }, Host.Requests.Where(r => r.Api == "serviceusage").Select(r => r.Status));
    }

    [Fact]
    public async Task A_lost_answer_is_acted_on_by_the_emulator_and_never_reaches_the_caller()
    {
        var token = await DeployerTokenAsync();
        lock (Host.State.Gate)
        {
            Host.State.GetProject("mlflow-demo").EnabledServices.Add("iam.googleapis.com");
        }
        await AdminPostAsync("_emulator/faults", """{"api": "iam", "method": "POST", "script": ["lost"]}""");

        var lost = await Record.ExceptionAsync(() => SendAsync(HttpMethod.Post, "iam/v1/projects/mlflow-demo/serviceAccounts", token,
            """{"accountId": "lost-answer", "serviceAccount": {"displayName": "x"}}"""));

        Assert.IsType<HttpRequestException>(lost);
        Assert.NotNull(Host.State.FindServiceAccount("lost-answer@mlflow-demo.iam.gserviceaccount.com"));
        Assert.Equal(0, (await LoggedAsync("iam")).Status);
    }

    [Fact]
    public async Task A_path_rule_matches_that_path_only_not_its_sub_resources()
    {
        var token = await DeployerTokenAsync();
        await AdminPostAsync("_emulator/faults", """{"path": "/cloudresourcemanager/v1/projects/mlflow-demo", "rate": 1.0}""");

        var project = await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo", token);
        var policy = await SendAsync(HttpMethod.Post, "cloudresourcemanager/v1/projects/mlflow-demo:getIamPolicy", token, "{}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, project.StatusCode);
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("lost")]
    public async Task A_rate_rule_can_drop_connections_or_lose_answers(string status)
    {
        var token = await DeployerTokenAsync();
        var added = await AdminPostAsync("_emulator/faults", $$"""{"api": "serviceusage", "rate": 1.0, "status": "{{status}}"}""");

        var failure = await Record.ExceptionAsync(() => SendAsync(HttpMethod.Get, ListPath, token));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.IsType<HttpRequestException>(failure);
        Assert.Equal(0, (await LoggedAsync("serviceusage")).Status);
    }

    [Fact]
    public async Task A_rate_rule_with_an_unknown_status_is_refused()
    {
        var refused = await AdminPostAsync("_emulator/faults", """{"rate": 0.5, "status": "sometimes"}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("status", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Faults_do_not_apply_to_the_admin_surface_and_can_be_cleared()
    {
        await AdminPostAsync("_emulator/faults", """{"rate": 1.0, "status": 500}""");

        var admin = await Http.GetAsync("_emulator/state");
        var faulted = await Http.GetAsync("oauth2/v3/certs");
        await Http.DeleteAsync("_emulator/faults");
        var cleared = await Http.GetAsync("oauth2/v3/certs");

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, faulted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
    }

    [Fact]
    public async Task Request_log_records_each_api_call_with_its_fields()
    {
        var token = await DeployerTokenAsync();
        Host.ClearRequests();

        await SendAsync(HttpMethod.Post, "cloudresourcemanager/v1/projects/mlflow-demo:getIamPolicy", token, "{}");
        await SendAsync(HttpMethod.Post, "serviceusage/v1/projects/mlflow-demo/services/compute.googleapis.com:enable", token, "{}");
        await SendAsync(HttpMethod.Get, ListPath + "?filter=state:ENABLED", token);
        await Http.GetAsync("_emulator/state");
        var served = JsonNode.Parse(await Http.GetStringAsync("_emulator/requests"))!.AsArray();

        Assert.Equal(3, Host.Requests.Count);
        Assert.Equal(3, served.Count);
        var getPolicy = served[0]!;
        Assert.Equal("POST", getPolicy["method"]!.GetValue<string>());
        Assert.Equal("cloudresourcemanager", getPolicy["api"]!.GetValue<string>());
        Assert.False(getPolicy["mutating"]!.GetValue<bool>());
        Assert.Equal(200, getPolicy["status"]!.GetValue<int>());
        Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", getPolicy["principal"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", getPolicy["time"]!.GetValue<string>());
        Assert.True(getPolicy["durationMs"]!.GetValue<double>() >= 0);
        Assert.True(served[1]!["mutating"]!.GetValue<bool>());
        Assert.Equal("?filter=state:ENABLED", served[2]!["query"]!.GetValue<string>());
        Assert.Equal("serviceusage", served[2]!["api"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_calls_are_not_mutating()
    {
        Host.ClearRequests();

        await DeployerTokenAsync();

        Assert.False(Host.Requests.Single().Mutating);
        Assert.Equal("oauth2", Host.Requests.Single().Api);
    }

    [Fact]
    public async Task Admin_seeds_projects_with_services_and_bindings()
    {
        var response = await AdminPostAsync("_emulator/projects",
            """{"projectId": "second-project", "enabledServices": ["compute.googleapis.com"], "iamBindings": [{"role": "roles/editor", "members": ["user:e@example.com"]}]}""");

        var project = Host.State.GetProject("second-project");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(new[] { "compute.googleapis.com" }, project.EnabledServices);
        Assert.Contains("roles/editor", project.Policy.RolesOf("user:e@example.com"));
    }

    [Fact]
    public async Task Admin_sets_the_latency_profile()
    {
        var response = await Http.PutAsync("_emulator/latency",
            new StringContent("""{"profile": "realistic", "scale": 0.5}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("realistic", Host.State.Latency.Profile);
        Assert.Equal(0.5, Host.State.Latency.Scale);
    }
}
