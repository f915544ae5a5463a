using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class StrictnessTests : EmulatorTestBase
{
    private const string SetPolicyPath = "cloudresourcemanager/v1/projects/mlflow-demo:setIamPolicy";

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, string json)
    {
        var response = await SendAsync(HttpMethod.Post, path, await DeployerTokenAsync(), json);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    [Fact]
    public async Task Unknown_top_level_field_is_refused_with_Googles_message()
    {
        var (status, body) = await PostAsync(SetPolicyPath, """{"policy": {}, "x": 1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", ErrorStatus(body));
        Assert.Equal("Invalid JSON payload received. Unknown name \"x\": Cannot find field.", ErrorMessage(body));
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", body["error"]!["details"]![0]!["@type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_nested_field_names_the_message_path()
    {
        var (status, body) = await PostAsync(SetPolicyPath, """{"policy": {"bindings": [], "x": true}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid JSON payload received. Unknown name \"x\" at 'policy': Cannot find field.", ErrorMessage(body));
    }

    [Fact]
    public async Task Value_of_the_wrong_type_is_refused()
    {
        var (status, body) = await PostAsync(SetPolicyPath, """{"policy": {"version": "abc"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid value at 'policy.version' (TYPE_INT32), \"abc\"", ErrorMessage(body));
    }

    [Fact]
    public async Task Wrong_type_inside_a_repeated_message_names_the_index()
    {
        var (status, body) = await PostAsync(SetPolicyPath, """{"policy": {"bindings": [{"role": "roles/viewer", "members": [5]}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid value at 'policy.bindings[0].members[0]' (TYPE_STRING), 5", ErrorMessage(body));
    }

    [Fact]
    public async Task Missing_required_field_is_refused()
    {
        var (status, body) = await PostAsync(SetPolicyPath, "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'policy'", ErrorMessage(body));
    }

    [Fact]
    public async Task Numeric_strings_are_accepted_for_integers_as_proto3_json_allows()
    {
        var (status, _) = await PostAsync("cloudresourcemanager/v1/projects/mlflow-demo:getIamPolicy",
            """{"options": {"requestedPolicyVersion": "3"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Malformed_json_is_refused()
    {
        var (status, body) = await PostAsync(SetPolicyPath, "{\"policy\": ");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Invalid JSON payload received.", ErrorMessage(body));
    }

    [Fact]
    public async Task Batch_enable_of_more_than_twenty_services_is_refused()
    {
        var ids = new JsonArray(Enumerable.Range(0, 21).Select(_ => (JsonNode?)"compute.googleapis.com").ToArray());
        var (status, body) = await PostAsync("serviceusage/v1/projects/mlflow-demo/services:batchEnable",
            new JsonObject { ["serviceIds"] = ids }.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", ErrorStatus(body));
    }

    [Fact]
    public async Task Enabling_an_unknown_service_is_refused_like_Google()
    {
        var (status, body) = await PostAsync("serviceusage/v1/projects/mlflow-demo/services:batchEnable",
            """{"serviceIds": ["compute.googleapis.com", "nosuch.googleapis.com"]}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Not found or permission denied for service(s): nosuch.googleapis.com.", ErrorMessage(body));
        Assert.DoesNotContain("compute.googleapis.com", Host.State.GetProject(Project).EnabledServices);
    }

    [Fact]
    public async Task Seeding_a_project_with_an_invalid_id_is_refused()
    {
        var response = await Http.PostAsync("_emulator/projects",
            new StringContent("""{"projectId": "Bad_Project-"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(Host.State.FindProject("Bad_Project-"));
    }
}
