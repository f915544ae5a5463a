using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI, pointed at the emulator with endpoint overrides, sees what Google would show.</summary>
public sealed class GcloudTests : EmulatorTestBase
{
    private readonly ITestOutputHelper output;

    public GcloudTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Gcloud_with_the_issued_key_enables_lists_and_edits_iam_through_the_emulator()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        Host.State.Latency.Set("realistic", 0.01); // enable takes 0.2 s: gcloud must poll the operation
        await gcloud.RunAsync("services", "enable", "sqladmin.googleapis.com");
        var enabled = JsonNode.Parse(await gcloud.RunAsync("services", "list", "--enabled", "--format=json"))!.AsArray();
        var policy = JsonNode.Parse(await gcloud.RunAsync("projects", "get-iam-policy", Project, "--format=json"))!;
        await gcloud.RunAsync("projects", "add-iam-policy-binding", Project,
            "--member=user:a@example.com", "--role=roles/viewer", "--format=json");

        var number = Host.State.GetProject(Project).ProjectNumber;
        Assert.Contains(enabled, s => s!["name"]!.GetValue<string>() == $"projects/{number}/services/sqladmin.googleapis.com");
        Assert.Contains("sqladmin.googleapis.com", Host.State.GetProject(Project).EnabledServices);
        Assert.Contains(policy["bindings"]!.AsArray(), b => b!["role"]!.GetValue<string>() == "roles/owner"
            && b["members"]!.AsArray().Any(m => m!.GetValue<string>() == "serviceAccount:deployer@mlflow-demo.iam.gserviceaccount.com"));
        Assert.Contains("roles/viewer", Host.State.GetProject(Project).Policy.RolesOf("user:a@example.com"));
        Assert.Contains(Host.Requests, r => r.Path == "/oauth2/token" && r.Status == 200);
        Assert.Contains(Host.Requests, r => r.Method == "GET" && r.Path.StartsWith("/serviceusage/v1/operations/") && r.Status == 200);
        Assert.All(Host.Requests.Where(r => r.Api == "serviceusage"),
            r => Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", r.Principal));
    }

    [Fact]
    public async Task Gcloud_without_credentials_is_refused_unless_the_emulator_allows_it()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = new GcloudCli(Host, ("CLOUDSDK_AUTH_DISABLE_CREDENTIALS", "true"));
        var refused = await Record.ExceptionAsync(() => gcloud.RunAsync("projects", "describe", Project, "--format=json"));
        Host.State.AllowUnauthenticated = true;

        var project = JsonNode.Parse(await gcloud.RunAsync("projects", "describe", Project, "--format=json"))!;

        Assert.NotNull(refused);
        Assert.Equal(Host.State.GetProject(Project).ProjectNumber.ToString(), project["projectNumber"]!.GetValue<string>());
        Assert.Equal(new int[] { 401, 200 }, Host.Requests.Where(r => r.Api == "cloudresourcemanager").Select(r => r.Status));
        Assert.Null(Host.Requests.Last(r => r.Api == "cloudresourcemanager").Principal);
    }
}
