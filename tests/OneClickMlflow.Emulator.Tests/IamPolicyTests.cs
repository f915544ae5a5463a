using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class IamPolicyTests : EmulatorTestBase
{
    private const string Base = "cloudresourcemanager/v1/projects/mlflow-demo";

    private async Task<JsonObject> GetPolicyAsync(string token)
    {
        var response = await SendAsync(HttpMethod.Post, Base + ":getIamPolicy", token, """{"options": {"requestedPolicyVersion": 3}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private static string WithViewer(JsonObject policy, string member)
    {
        var bindings = policy["bindings"] as JsonArray ?? new JsonArray();
        bindings.Add(new JsonObject { ["role"] = "roles/viewer", ["members"] = new JsonArray(member) });
        policy["bindings"] = bindings.DeepClone();
        return new JsonObject { ["policy"] = policy.DeepClone() }.ToJsonString();
    }

    [Fact]
    public async Task Set_with_the_current_etag_succeeds_and_changes_the_etag()
    {
        var token = await DeployerTokenAsync();
        var policy = await GetPolicyAsync(token);

        var response = await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, WithViewer(policy, "user:a@example.com"));
        var updated = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(policy["etag"]!.GetValue<string>(), updated["etag"]!.GetValue<string>());
        Assert.StartsWith("Bw", updated["etag"]!.GetValue<string>());
        Assert.Contains("roles/viewer", Host.State.GetProject(Project).Policy.RolesOf("user:a@example.com"));
    }

    [Fact]
    public async Task Set_with_a_stale_etag_is_aborted_with_Googles_message()
    {
        var token = await DeployerTokenAsync();
        var stale = await GetPolicyAsync(token);
        await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, WithViewer((JsonObject)stale.DeepClone(), "user:first@example.com"));

        var response = await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, WithViewer(stale, "user:second@example.com"));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ABORTED", ErrorStatus(body));
        Assert.Equal(
            "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.",
            ErrorMessage(body));
        Assert.Empty(Host.State.GetProject(Project).Policy.RolesOf("user:second@example.com"));
    }

    [Fact]
    public async Task Set_without_an_etag_overwrites()
    {
        var token = await DeployerTokenAsync();
        var policy = await GetPolicyAsync(token);
        policy.Remove("etag");

        var response = await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, WithViewer(policy, "user:b@example.com"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_role_is_refused()
    {
        var token = await DeployerTokenAsync();
        var body = """{"policy": {"bindings": [{"role": "roles/nosuchrole", "members": ["user:a@example.com"]}]}}""";

        var response = await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Test_permissions_answers_the_subset_the_caller_holds()
    {
        var viewer = IssueKey("reader@mlflow-demo.iam.gserviceaccount.com");
        Host.State.Grant(Project, "roles/viewer", "serviceAccount:reader@mlflow-demo.iam.gserviceaccount.com");
        var token = await AccessTokenAsync(viewer);

        var response = await SendAsync(HttpMethod.Post, Base + ":testIamPermissions", token,
            """{"permissions": ["resourcemanager.projects.get", "resourcemanager.projects.setIamPolicy", "serviceusage.services.enable"]}""");
        var held = (await ReadJsonAsync(response))["permissions"]!.AsArray().Select(p => p!.GetValue<string>());

        Assert.Equal(new[] { "resourcemanager.projects.get" }, held);
    }

    [Fact]
    public async Task Mutation_without_the_permission_is_denied()
    {
        var viewer = IssueKey("reader@mlflow-demo.iam.gserviceaccount.com");
        Host.State.Grant(Project, "roles/viewer", "serviceAccount:reader@mlflow-demo.iam.gserviceaccount.com");
        var token = await AccessTokenAsync(viewer);

        var enable = await SendAsync(HttpMethod.Post, $"serviceusage/v1/projects/{Project}/services/compute.googleapis.com:enable", token, "{}");
        var setPolicy = await SendAsync(HttpMethod.Post, Base + ":setIamPolicy", token, """{"policy": {}}""");

        Assert.Equal(HttpStatusCode.Forbidden, enable.StatusCode);
        Assert.Equal("PERMISSION_DENIED", ErrorStatus(await ReadJsonAsync(enable)));
        Assert.Equal(HttpStatusCode.Forbidden, setPolicy.StatusCode);
        Assert.DoesNotContain("compute.googleapis.com", Host.State.GetProject(Project).EnabledServices);
    }

    [Fact]
    public async Task Unknown_project_is_forbidden_not_missing()
    {
        var response = await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/no-such-project", await DeployerTokenAsync());
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("The caller does not have permission", ErrorMessage(body));
    }

    [Fact]
    public async Task Project_answers_with_its_number_as_a_string()
    {
        var response = await SendAsync(HttpMethod.Get, Base, await DeployerTokenAsync());
        var body = await ReadJsonAsync(response);

        Assert.Equal(Host.State.GetProject(Project).ProjectNumber.ToString(), body["projectNumber"]!.GetValue<string>());
        Assert.Equal("ACTIVE", body["lifecycleState"]!.GetValue<string>());
    }
}
