using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// Deployments never take each other's things: a plan refuses a service another deployment serves, and removing one
/// deployment leaves another in sync.
/// </summary>
public sealed class ServiceIsolationTests : ServerDeploymentTestBase
{
    private const string Alice = "user:alice@example.com";
    private const string Bob = "user:bob@example.com";
    private const string TokenCreator = "roles/iam.serviceAccountTokenCreator";

    private static DeploymentNames TeamB => DeploymentNames.For(Project, "team-b");

    /// <summary>An image in team-b's own repository.</summary>
    private const string TeamBImage = "europe-west1-docker.pkg.dev/" + Project + "/team-b/mlflow@sha256:" + "4444444444444444444444444444444444444444444444444444444444444444";

    [Fact]
    public async Task A_deployment_named_default_is_refused_the_default_service_another_deployment_serves_before_any_change()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        Assert.Equal(100, Traffic("default").Values.Sum() * 100, 3);
        var before = MutatingRequests().Count;

        var refused = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(name: "default", webUsers: new[] { Bob })));

        var refusal = refused.Refusals.Single(r => r.ResourceId == "server-service");
        Assert.Contains("service 'default' serves deployment 'mlflow'", refusal.Reason);
        Assert.Contains("-Name", refusal.Reason);
        Assert.Equal(before, MutatingRequests().Count);
        Assert.Equal(new[] { "serviceAccount:" + Names.LogPusherServiceAccountEmail, Alice }.OrderBy(m => m), IapMembers("default"));
    }

    [Fact]
    public async Task A_deployment_given_the_service_another_deployment_serves_is_refused_naming_it()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        var input = Input(name: "team-b", webUsers: new[] { Bob });
        input.Service = "default";

        var refused = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(input));

        Assert.Contains("service 'default' serves deployment 'mlflow'", refused.Message);
        Assert.Contains("-Service", refused.Message);
    }

    [Fact]
    public async Task A_service_whose_deployment_was_removed_and_only_a_stopped_version_remains_can_be_taken()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        await RemoveAsync(Input(webUsers: new[] { Alice }));
        var input = Input(TeamBImage, name: "team-b", webUsers: new[] { Bob });
        input.Service = "default";

        var plan = await PlanAsync(input);

        Assert.Equal(ChangeAction.None, plan.Changes.Single(c => c.ResourceId == "server-service").Action);
    }

    [Fact]
    public async Task Removing_one_deployment_leaves_another_with_shared_users_in_sync()
    {
        await DeployAsync(Input(webUsers: new[] { Alice, Bob }));
        await DeployAsync(Input(TeamBImage, name: "team-b", webUsers: new[] { Bob }));

        await RemoveAsync(Input(webUsers: new[] { Alice, Bob }));

        var drift = Drift(await PlanAsync(Live("team-b")));
        Assert.True(drift.Count == 0, string.Join("; ", drift.Select(d => $"{d.ResourceId}: {d.Reason}")));
        Assert.Equal(new[] { "serviceAccount:" + TeamB.LogPusherServiceAccountEmail, Bob }.OrderBy(m => m), IapMembers("team-b"));
        Assert.Equal(new[] { Bob }, TokenCreatorsOf(TeamB.LogPusherServiceAccountEmail));
    }

    [Fact]
    public async Task Removing_a_deployment_that_never_ran_in_the_service_it_names_revokes_nobody_there()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));

        // 'default' has never deployed: its removal would pick the default service, which deployment 'mlflow' serves.
        var report = await RemoveAsync(Input(name: "default"));

        Assert.All(report.Resources.Where(r => r.ResourceId is "iap-access" or "shared-log-pusher"),
            r => Assert.Equal(ResourceOutcome.Unchanged, r.Outcome));
        Assert.NotNull(Read(s => s.FindServiceAccount(Names.LogPusherServiceAccountEmail)));
        Assert.Equal(new[] { "serviceAccount:" + Names.LogPusherServiceAccountEmail, Alice }.OrderBy(m => m), IapMembers("default"));
        Assert.Empty(Drift(await PlanAsync(Live())));
    }

    [Fact]
    public async Task A_grant_another_deployment_needs_that_goes_missing_shows_as_drift_of_that_deployment()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));
        lock (Host.State.Gate)
        {
            Host.State.FindServiceAccount(TeamB.LogPusherServiceAccountEmail)!.Policy.RemoveMember(TokenCreator, Bob);
        }

        var keyless = (await PlanAsync(Live("team-b"))).Changes.Single(c => c.ResourceId == "keyless-logging");

        // Bob was team-b's only person: the bucket's label says keyless logging is on, so his missing grant is drift.
        Assert.Equal(ChangeAction.Update, keyless.Action);
        Assert.Contains(Bob, keyless.Reason);
    }

    [Fact]
    public async Task Get_of_a_deployment_without_keyless_logging_wants_no_token_creator()
    {
        var input = Input(TeamBImage, name: "team-b", webUsers: new[] { Bob });
        input.NoKeylessLogging = true;
        await DeployAsync(input);

        var plan = await PlanAsync(Live("team-b"));

        Assert.Empty(Drift(plan));
        Assert.Empty(TokenCreatorsOf(TeamB.LogPusherServiceAccountEmail));
    }

    [Fact]
    public async Task Removing_a_deployment_keeps_its_image_repository_while_another_deployment_runs_an_image_from_it()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        var b = await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));
        Assert.StartsWith($"europe-west1-docker.pkg.dev/{Project}/mlflow/", b.Image);

        var report = await RemoveAsync(Input(webUsers: new[] { Alice }));

        var repository = report.Resources.Single(r => r.ResourceId == "image-repository");
        Assert.Equal(ResourceOutcome.Unchanged, repository.Outcome);
        Assert.Contains("deployment 'team-b' runs an image from it", repository.Change.Reason);
        Assert.True(Read(s => s.ApiState<Emulator.Apis.ArtifactRegistryState>().HasRepository(Project, "mlflow")));
        Assert.Empty(Drift(await PlanAsync(Live("team-b"))));
    }

    private System.Collections.Generic.List<string> TokenCreatorsOf(string email) => Read(s => s.FindServiceAccount(email)!.Policy.Bindings
        .Where(b => b.Role == TokenCreator).SelectMany(b => b.Members).OrderBy(m => m).ToList());
}
