using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>IAP on the app, who passes it to the deployment's service, and who may mint log pusher tokens.</summary>
public sealed class ServerAccessTests : ServerDeploymentTestBase
{
    private const string Alice = "user:alice@example.com";
    private const string Bob = "user:bob@example.com";
    private const string Team = "group:team@example.com";
    private const string Robot = "serviceAccount:robot@proj-one.iam.gserviceaccount.com";

    private static string LogPusher => "serviceAccount:" + Names.LogPusherServiceAccountEmail;

    [Fact]
    public async Task Exactly_the_web_users_and_the_log_pusher_pass_iap_and_a_removed_member_loses_access_on_the_next_run()
    {
        await DeployAsync(Input(webUsers: new[] { Alice, Bob, Robot }));
        Assert.Equal(new[] { LogPusher, Robot, Alice, Bob }.OrderBy(m => m), IapMembers("default"));

        await DeployAsync(Input(webUsers: new[] { Alice }));

        Assert.Equal(new[] { LogPusher, Alice }.OrderBy(m => m), IapMembers("default"));
        var number = Read(s => s.GetProject(Project).ProjectNumber);
        Assert.All(RequestsTo("/iap_web/"), r => Assert.Contains($"/projects/{number}/iap_web/appengine-{Project}/services/default:", r.Path));
    }

    [Fact]
    public async Task Users_and_groups_may_mint_log_pusher_tokens_and_lose_it_when_dropped_from_the_web_users()
    {
        await DeployAsync(Input(webUsers: new[] { Alice, Bob, Team, Robot }));
        Assert.Equal(new[] { Team, Alice, Bob }.OrderBy(m => m), TokenCreators());

        await DeployAsync(Input(webUsers: new[] { Alice }));

        Assert.Equal(new[] { Alice }, TokenCreators());
    }

    [Fact]
    public async Task Turning_keyless_logging_off_removes_every_token_creator_grant_on_the_deployments_own_log_pusher()
    {
        await DeployAsync(Input(webUsers: new[] { Alice, Bob }));
        lock (Host.State.Gate)
        {
            Host.State.FindServiceAccount(Names.LogPusherServiceAccountEmail)!.Policy.AddBinding("roles/iam.serviceAccountTokenCreator", "user:admin@example.com");
        }
        var input = Input(webUsers: new[] { Alice, Bob });
        input.NoKeylessLogging = true;

        var deployment = await DeployAsync(input);

        // The account is the deployment's own: a grant it did not make is an extra way in, and goes too.
        Assert.Empty(TokenCreators());
        Assert.False(deployment.KeylessLogging);
        Assert.Equal(new[] { LogPusher, Alice, Bob }.OrderBy(m => m), IapMembers("default"));
    }

    [Fact]
    public async Task A_custom_oauth_client_is_set_on_the_app_and_its_secret_appears_in_no_debug_line_nor_the_output()
    {
        const string secretText = "GOCSPX-very-secret-value";
        var input = Input();
        input.OAuthClientId = "1234-abc.apps.googleusercontent.com";
        input.OAuthClientSecret = Secure(secretText);
        var debug = new System.Collections.Generic.List<string>();

        var deployment = await DeployAsync(input, debug);
        Host.ClearRequests();
        await DeployAsync(WithClient(Input(), secretText));

        var app = App()!;
        Assert.Equal("1234-abc.apps.googleusercontent.com", app.OAuthClientId);
        Assert.Equal(Sha256(secretText), app.OAuthClientSecretSha256);
        Assert.Equal("1234-abc.apps.googleusercontent.com", deployment.OAuthClient);
        Assert.DoesNotContain(debug, line => line.Contains(secretText));
        Assert.DoesNotContain(secretText, System.Text.Json.JsonSerializer.Serialize(deployment, new System.Text.Json.JsonSerializerOptions { ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles }));
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task A_changed_client_secret_is_seen_through_its_sha256_and_set_again()
    {
        await DeployAsync(WithClient(Input(), "first-secret"));

        var plan = await PlanAsync(WithClient(Input(), "second-secret"));

        var change = plan.Changes.Single(c => c.ResourceId == "iap");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains("secret differs", change.Reason);
        Assert.DoesNotContain("second-secret", change.Reason + string.Join(",", change.Details.Values));
    }

    [Fact]
    public async Task Removal_stops_the_serving_default_version_and_revokes_the_grants_it_made()
    {
        var deployment = await DeployAsync(Input(webUsers: new[] { Alice }));

        var plan = await PlanAsync(Input(webUsers: new[] { Alice }), DeploymentIntent.Remove);
        await RemoveAsync(Input(webUsers: new[] { Alice }));

        Assert.Contains("default service can never be deleted", plan.Changes.Single(c => c.ResourceId == "server-version").Reason);
        Assert.Contains("never be deleted", plan.Changes.Single(c => c.ResourceId == "app-engine-app").Reason);
        Assert.Equal("STOPPED", Read(s => Service("default")!.Versions[deployment.ServingVersion].ServingStatus));
        Assert.Empty(IapMembers("default"));
        // The only deployment of the project: its log pusher goes, and with it every token-creator grant on it.
        Assert.Null(Read(s => s.FindServiceAccount(Names.LogPusherServiceAccountEmail)));
    }

    [Fact]
    public async Task A_version_stopped_by_hand_is_started_again_by_the_next_run()
    {
        var deployment = await DeployAsync(Input(webUsers: new[] { Alice }));
        lock (Host.State.Gate)
        {
            Service("default")!.Versions[deployment.ServingVersion].ServingStatus = "STOPPED";
        }

        var again = await DeployAsync(Input(webUsers: new[] { Alice }));

        Assert.Equal(deployment.ServingVersion, again.ServingVersion);
        Assert.Equal("SERVING", Read(s => Service("default")!.Versions[again.ServingVersion].ServingStatus));
    }

    [Fact]
    public async Task Deploying_again_after_a_removal_serves_a_new_version_and_grants_again()
    {
        var deployment = await DeployAsync(Input(webUsers: new[] { Alice }));
        await RemoveAsync(Input(webUsers: new[] { Alice }));

        var again = await DeployAsync(Input(webUsers: new[] { Alice }));

        // A new database instance has a new private IP, so the server's configuration, hence its version, is new.
        Assert.NotEqual(deployment.ServingVersion, again.ServingVersion);
        Assert.Equal(new Dictionary<string, double> { [again.ServingVersion] = 1 }, Traffic("default"));
        Assert.Equal("SERVING", Read(s => Service("default")!.Versions[again.ServingVersion].ServingStatus));
        Assert.Equal(new[] { LogPusher, Alice }.OrderBy(m => m), IapMembers("default"));
        Assert.Equal(new[] { Alice }, TokenCreators());
    }

    [Fact]
    public async Task Removal_deletes_the_service_the_deployment_made()
    {
        await DeployAsync(Input());
        await DeployAsync(Input(name: "team-b"));

        await RemoveAsync(Input(name: "team-b"));

        Assert.Null(Service("team-b"));
        Assert.Single(VersionIds("default"));
    }

    private static string Sha256(string text) =>
        System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
