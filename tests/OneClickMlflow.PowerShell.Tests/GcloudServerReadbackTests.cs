using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI, pointed at the emulator, reads back the App Engine server New-MlflowDeployment made.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class GcloudServerReadbackTests
{
    private readonly EmulatorFixture emulator;
    private readonly ITestOutputHelper output;

    public GcloudServerReadbackTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        this.emulator = emulator;
        this.output = output;
    }

    [Fact]
    public async Task Gcloud_describes_the_app_lists_the_serving_version_and_reads_the_service_iap_policy()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        const string project = "ps-gcloud-server";
        emulator.Host.State.AddProject(project);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        var result = PowerShellRunner.Run(
            $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:alice@example.com");
        Assert.Empty(result.Errors);
        var deployment = (MlflowDeployment)result.Output.Single().BaseObject;
        using var gcloud = new GcloudCli(emulator.Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", emulator.Host.ServiceAccountKeyPath);

        var app = JsonNode.Parse(await gcloud.RunAsync("app", "describe", "--project", project, "--format=json"))!;
        var versions = JsonNode.Parse(await gcloud.RunAsync("app", "versions", "list", "--project", project, "--format=json"))!.AsArray();
        var iap = JsonNode.Parse(await gcloud.RunAsync("iap", "web", "get-iam-policy", "--resource-type=app-engine", "--service=default",
            "--project", project, "--format=json"))!;

        Assert.Equal("europe-west", (string?)app["locationId"]);
        Assert.True((bool)app["iap"]!["enabled"]!);
        Assert.Contains((string)app["defaultHostname"]!, deployment.TrackingUri!.ToString());
        var version = Assert.Single(versions)!;
        Assert.Equal(deployment.ServingVersion, (string?)version["id"]);
        Assert.Equal("default", (string?)version["service"]);
        Assert.Equal(1.0, (double)version["traffic_split"]!);
        var members = iap["bindings"]!.AsArray().Where(b => (string?)b!["role"] == "roles/iap.httpsResourceAccessor")
            .SelectMany(b => b!["members"]!.AsArray().Select(m => (string)m!)).OrderBy(m => m);
        Assert.Equal(new[] { "serviceAccount:" + deployment.LogPusherServiceAccount, "user:alice@example.com" }, members);
    }
}
