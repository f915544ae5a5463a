using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>The App Engine part of a deployment: app, service, version, traffic and the reported tracking URL.</summary>
public sealed class ServerDeploymentTests : ServerDeploymentTestBase
{
    [Fact]
    public async Task A_first_deployment_makes_the_app_and_a_default_service_version_serving_all_traffic()
    {
        var deployment = await DeployAsync(Input());

        var app = App()!;
        Assert.Equal("europe-west", app.LocationId);
        var version = Assert.Single(VersionIds("default"));
        Assert.StartsWith("v-111111111111-", version);
        Assert.Equal(new Dictionary<string, double> { [version] = 1.0 }, Traffic("default"));
        Assert.Equal(new Uri($"https://{app.DefaultHostname}/"), deployment.TrackingUri);
        Assert.Equal("default", deployment.Service);
        Assert.Equal(version, deployment.ServingVersion);
        Assert.Equal(TestImages.First, deployment.Image);
        Assert.True(deployment.IapEnabled);
        Assert.True(app.IapEnabled);
        Assert.Equal("Google-managed", deployment.OAuthClient);
    }

    [Fact]
    public async Task The_version_runs_the_image_on_the_network_as_the_server_account_with_the_entrypoint_environment()
    {
        await DeployAsync(Input());

        var body = Read(s => Service("default")!.Versions.Values.Single().Body.DeepClone().AsObject());
        var hostname = App()!.DefaultHostname;
        Assert.Equal("flex", (string?)body["env"]);
        Assert.Equal("custom", (string?)body["runtime"]);
        Assert.Equal(TestImages.First, (string?)body["deployment"]!["container"]!["image"]);
        Assert.Equal(Names.NetworkName, (string?)body["network"]!["name"]);
        Assert.Equal(Names.ServerServiceAccountEmail, (string?)body["serviceAccount"]);
        Assert.Equal("/health", (string?)body["livenessCheck"]!["path"]);
        Assert.Equal("/health", (string?)body["readinessCheck"]!["path"]);
        Assert.Equal(1.0, (double)body["resources"]!["cpu"]!);
        Assert.Equal(2.0, (double)body["resources"]!["memoryGb"]!);
        Assert.Equal(10.0, (double)body["resources"]!["diskGb"]!);
        Assert.Equal(1, (int)body["automaticScaling"]!["minTotalInstances"]!);
        Assert.Equal(2, (int)body["automaticScaling"]!["maxTotalInstances"]!);
        var env = body["envVariables"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        var instance = await ReadInstanceAsync();
        Assert.Equal(instance.PrivateIp, env["DB_PRIVATE_IP"]);
        Assert.Equal("mlflow", env["DB_NAME"]);
        Assert.Equal("mlflow", env["DB_USER"]);
        Assert.Equal($"projects/{Project}/secrets/{Names.DatabasePasswordSecretName}/versions/latest", env["DB_PASSWORD_SECRET"]);
        Assert.Equal("gs://" + Names.BucketName, env["ARTIFACT_DESTINATION"]);
        Assert.Equal($"{hostname},*-dot-{hostname}", env["ALLOWED_HOSTS"]);
        Assert.Equal(instance.ServerCaCert!.Cert, env["DB_SERVER_CA_PEM"]);
        var number = Read(s => s.GetProject(Project).ProjectNumber);
        Assert.Equal($"/projects/{number}/apps/{Project}", env["IAP_AUDIENCE"]);
    }

    [Fact]
    public async Task An_unchanged_rerun_creates_no_version_and_makes_no_mutating_request()
    {
        await DeployAsync(Input(webUsers: "user:alice@example.com"));
        Host.ClearRequests();

        var again = await DeployAsync(Input(webUsers: "user:alice@example.com"));

        Assert.Empty(MutatingRequests().Select(r => r.Method + " " + r.Path));
        Assert.Single(VersionIds("default"));
        Assert.Equal(0, again.ChangeCount);
        Assert.True(again.IapEnabled);
    }

    [Fact]
    public async Task A_changed_image_makes_a_new_version_moves_traffic_and_deletes_the_oldest_beyond_one()
    {
        var first = await DeployAsync(Input(TestImages.First));
        var second = await DeployAsync(Input(TestImages.Second));
        var third = await DeployAsync(Input(TestImages.Third));

        Assert.Equal(new[] { second.ServingVersion, third.ServingVersion }.OrderBy(v => v), VersionIds("default"));
        Assert.DoesNotContain(first.ServingVersion, VersionIds("default"));
        Assert.Equal(new Dictionary<string, double> { [third.ServingVersion] = 1.0 }, Traffic("default"));
        Assert.StartsWith("v-333333333333-", third.ServingVersion);
    }

    [Fact]
    public async Task Changed_resources_make_a_new_version_of_the_same_image()
    {
        var first = await DeployAsync(Input());
        var input = Input();
        input.Cpu = 2;
        input.MemoryGb = 4;

        var second = await DeployAsync(input);

        Assert.NotEqual(first.ServingVersion, second.ServingVersion);
        Assert.StartsWith("v-111111111111-", second.ServingVersion);
        Assert.Equal(new Dictionary<string, double> { [second.ServingVersion] = 1.0 }, Traffic("default"));
    }

    [Fact]
    public async Task An_app_in_another_region_is_refused_before_any_change_naming_its_region()
    {
        // A project with an app has its App Engine Admin API on; the other APIs are still off.
        CreateAppIn("us-central");
        EnableServices("appengine.googleapis.com");
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input()));

        Assert.Contains("us-central", error.Message);
        Assert.Contains("can never change", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task A_second_deployment_in_the_project_gets_a_service_of_its_own_and_keeps_it()
    {
        await DeployAsync(Input());
        var other = await DeployAsync(Input(name: "team-b"));
        Host.ClearRequests();
        var again = await DeployAsync(Input(name: "team-b"));

        Assert.Equal("team-b", other.Service);
        Assert.Single(VersionIds("team-b"));
        Assert.Single(VersionIds("default"));
        Assert.Equal(new Uri($"https://team-b-dot-{App()!.DefaultHostname}/"), other.TrackingUri);
        Assert.Equal("team-b", again.Service);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task Following_the_live_server_reports_no_drift_after_a_deployment_then_sees_iap_turned_off()
    {
        await DeployAsync(Input(TestImages.Second, webUsers: "user:alice@example.com"));
        var live = new DeploymentInput { ProjectId = Project, Region = Region, ServerSettingsFromLive = true };

        var inSync = await PlanAsync(live);
        lock (Host.State.Gate)
        {
            App()!.IapEnabled = false;
        }
        var drifted = await PlanAsync(live);

        Assert.Empty(inSync.Changes.Where(c => c.Action != ChangeAction.None).Select(c => c.ResourceId + ": " + c.Reason));
        Assert.Equal(new[] { "iap" }, drifted.Changes.Where(c => c.Action != ChangeAction.None).Select(c => c.ResourceId));
    }

    [Fact]
    public async Task The_live_server_is_described_with_its_image_users_and_serving_version()
    {
        var deployed = await DeployAsync(Input(TestImages.Second, webUsers: new[] { "user:alice@example.com", "group:team@example.com" }));
        using var session = await SessionAsync();
        var graph = DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(
            new DeploymentInput { ProjectId = Project, Region = Region, ServerSettingsFromLive = true }), session);

        var described = graph.Describe(await new DeploymentEngine().PlanAsync(graph.Resources, System.Threading.CancellationToken.None));

        Assert.True(described.InSync);
        Assert.Equal(TestImages.Second, described.Image);
        Assert.Equal(deployed.ServingVersion, described.ServingVersion);
        Assert.Equal(new[] { "group:team@example.com", "user:alice@example.com" }, described.WebAppUser);
        Assert.True(described.KeylessLogging);
        Assert.Equal(deployed.TrackingUri, described.TrackingUri);
    }
}
