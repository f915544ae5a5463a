using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// IAP's OAuth client belongs to the whole App Engine application: every deployment of the project must rely on the
/// same one, and each records which on its bucket so drift in the app's client shows.
/// </summary>
public sealed class SharedOAuthClientTests : ServerDeploymentTestBase
{
    private const string Alice = "user:alice@example.com";
    private const string OtherClient = "999-other.apps.googleusercontent.com";

    [Fact]
    public async Task Google_managed_client_is_enabled_with_exactly_enabled_true_under_updateMask_iap()
    {
        await DeployAsync(WithClient(Input(), "first-secret"));
        Host.ClearRequests();

        var deployment = await DeployAsync(Input());

        var patch = Assert.Single(MutatingRequests(), r => r.Method == "PATCH" && r.Path.EndsWith("/apps/" + Project, System.StringComparison.Ordinal));
        Assert.Equal("?updateMask=iap", patch.Query);
        Assert.Equal("""{"enabled":true}""", Read(s => App()!.LastIapRequest!.ToJsonString()));
        Assert.Null(Read(s => App()!.OAuthClientId));
        Assert.Null(Read(s => App()!.OAuthClientSecretSha256));
        Assert.Equal(OAuthClient.GoogleManaged, deployment.OAuthClient);
    }

    [Fact]
    public async Task The_bucket_records_the_client_the_deployment_relies_on_and_never_its_secret()
    {
        await DeployAsync(WithClient(Input(), "GOCSPX-label-secret"));
        var custom = BucketLabels(Names.BucketName);
        await DeployAsync(Input());

        Assert.Equal("1234-abc", custom[OAuthClientLabel.Key]);
        Assert.DoesNotContain(custom.Values, v => v.Contains("secret", System.StringComparison.OrdinalIgnoreCase));
        Assert.Equal(OAuthClientLabel.GoogleManagedValue, BucketLabels(Names.BucketName)[OAuthClientLabel.Key]);
    }

    [Fact]
    public async Task A_second_deployment_wanting_another_client_is_refused_before_any_change_naming_the_deployment_that_relies_on_it()
    {
        await DeployAsync(Input());
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync(WithClient(Input(name: "team-b"), "secret")));

        Assert.Contains("deployment 'mlflow' relies on Google's managed OAuth client", error.Message);
        Assert.Contains("belongs to the project's whole App Engine application", error.Message);
        Assert.Contains("Deploy without -OAuthClientId", error.Message);
        Assert.Contains("-ChangeSharedOAuthClient", error.Message);
        Assert.Empty(MutatingRequests());
        Assert.Null(Read(s => App()!.OAuthClientId));
    }

    [Fact]
    public async Task A_second_deployment_wanting_the_managed_client_is_refused_while_another_relies_on_a_custom_one()
    {
        await DeployAsync(WithClient(Input(), "secret"));

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(name: "team-b")));

        Assert.Contains($"deployment 'mlflow' relies on OAuth client {CustomClient}", error.Message);
        Assert.Contains($"Deploy with -OAuthClientId {CustomClient} and its -OAuthClientSecret", error.Message);
        Assert.Equal(CustomClient, Read(s => App()!.OAuthClientId));
    }

    [Fact]
    public async Task Deployments_sharing_one_custom_client_stand_side_by_side_in_sync()
    {
        await DeployAsync(WithClient(Input(), "secret"));

        var second = await DeployAsync(WithClient(Input(name: "team-b"), "secret"));

        Assert.Equal(CustomClient, second.OAuthClient);
        Assert.Empty(Drift(await PlanAsync(Live())));
        Assert.Empty(Drift(await PlanAsync(Live("team-b"))));
    }

    [Fact]
    public async Task ChangeSharedOAuthClient_moves_the_app_and_the_other_deployment_shows_drift_until_run_with_the_same_client()
    {
        await DeployAsync(Input());
        var moving = WithClient(Input(name: "team-b"), "secret");
        moving.ChangeSharedOAuthClient = true;

        await DeployAsync(moving);
        var drifted = await PlanAsync(Live());
        await DeployAsync(WithClient(Input(), "secret"));
        var converged = await PlanAsync(Live());

        Assert.Equal(CustomClient, Read(s => App()!.OAuthClientId));
        var iap = Assert.Single(Drift(drifted));
        Assert.Equal("iap", iap.ResourceId);
        Assert.Contains($"IAP uses OAuth client {CustomClient}, want Google's managed OAuth client", iap.Reason);
        Assert.Empty(Drift(converged));
    }

    [Fact]
    public async Task A_client_changed_behind_the_deployments_back_shows_as_drift_and_a_rerun_puts_it_back()
    {
        await DeployAsync(Input(webUsers: Alice));
        lock (Host.State.Gate)
        {
            App()!.OAuthClientId = OtherClient;
            App()!.OAuthClientSecretSha256 = new string('0', 64);
        }

        var drifted = await PlanAsync(Live());
        await DeployAsync(Input(webUsers: Alice));
        var again = await PlanAsync(Live());

        var iap = Assert.Single(Drift(drifted));
        Assert.Equal("iap", iap.ResourceId);
        Assert.Contains($"IAP uses OAuth client {OtherClient}, want Google's managed OAuth client", iap.Reason);
        Assert.Null(Read(s => App()!.OAuthClientId));
        Assert.Empty(Drift(again));
    }

    [Fact]
    public async Task A_deployment_made_before_its_client_was_recorded_relies_on_the_client_the_app_has()
    {
        await DeployAsync(WithClient(Input(), "secret"));
        lock (Host.State.Gate)
        {
            ((JsonObject)Host.State.ApiState<StorageState>().Buckets[Names.BucketName].Settings["labels"]!).Remove(OAuthClientLabel.Key);
        }

        var inSync = await PlanAsync(Live());
        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(name: "team-b")));

        Assert.Empty(Drift(inSync));
        Assert.Contains($"deployment 'mlflow' relies on OAuth client {CustomClient}", error.Message);
    }

    private System.Collections.Generic.Dictionary<string, string> BucketLabels(string bucket) => Read(s =>
        ((JsonObject)s.ApiState<StorageState>().Buckets[bucket].Settings["labels"]!).ToDictionary(l => l.Key, l => l.Value!.GetValue<string>()));
}
