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

    [Fact]
    public async Task The_custom_role_gcloud_makes_from_docs_roles_lets_an_account_holding_only_it_deploy()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        const string project = "ps-gcloud-role";
        emulator.Host.State.AddProject(project).EnabledServices.Add("iam.googleapis.com");
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        string[] permissions;
        using (var session = await OneClickMlflow.Google.GoogleCloudSession.CreateAsync(
                   new OneClickMlflow.Google.GoogleCloudSessionOptions { ProjectId = project }, System.Threading.CancellationToken.None))
        {
            permissions = OneClickMlflow.Prerequisites.PrerequisiteChecker.RequiredPermissions(session, project).ToArray();
        }
        using var gcloud = new GcloudCli(emulator.Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", emulator.Host.ServiceAccountKeyPath);
        // The command docs/roles.md prints (DeployerRole.CreateCommand), with --quiet for no prompt.
        await gcloud.RunAsync("iam", "roles", "create", OneClickMlflow.Prerequisites.DeployerRole.RoleId, "--project=" + project,
            "--title=" + OneClickMlflow.Prerequisites.DeployerRole.Title, "--stage=GA", "--permissions=" + string.Join(",", permissions), "--quiet");
        var narrow = $"narrow@{project}.iam.gserviceaccount.com";
        emulator.Host.State.AddServiceAccount(narrow, project);
        emulator.Host.State.Grant(project, $"projects/{project}/roles/{OneClickMlflow.Prerequisites.DeployerRole.RoleId}", "serviceAccount:" + narrow);

        var result = PowerShellRunner.Run(
            $"New-MlflowDeployment -Image europe-west1-docker.pkg.dev/{project}/mlflow/mlflow@sha256:{new string('7', 64)} -ProjectId {project} " +
            $"-Region europe-west1 -ImpersonateServiceAccount {narrow}");

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        var role = JsonNode.Parse(await gcloud.RunAsync("iam", "roles", "describe", OneClickMlflow.Prerequisites.DeployerRole.RoleId,
            "--project=" + project, "--format=json"))!;
        Assert.Equal(permissions, role["includedPermissions"]!.AsArray().Select(p => (string)p!).ToArray());
    }
}
