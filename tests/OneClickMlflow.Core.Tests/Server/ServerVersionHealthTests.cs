using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>A version that does not come up is never served: it is deleted, the error says why and where the logs are, and traffic stays.</summary>
public sealed class ServerVersionHealthTests : ServerDeploymentTestBase
{
    private void MarkUnhealthy(string image) => Read(s => s.ApiState<AppEngineState>().UnhealthyImages.Add(image[(image.IndexOf('@') + 1)..]));

    [Fact]
    public async Task A_version_that_never_becomes_healthy_is_deleted_traffic_stays_and_the_error_names_the_cause_and_the_log_query()
    {
        var first = await DeployAsync(Input(TestImages.First));
        MarkUnhealthy(TestImages.Second);

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync(Input(TestImages.Second)));

        var failure = Assert.IsType<ServerVersionFailedException>(error.InnerException);
        Assert.Contains("failed to become healthy", failure.Message);
        Assert.Contains("The failed version was deleted", failure.Message);
        Assert.Contains($"version {first.ServingVersion} still serves", failure.Message);
        Assert.Matches($"^gcloud app logs read --project {Project} --service default --version v-222222222222-[0-9a-f]{{6}}$", failure.LogCommand);
        Assert.Contains(failure.LogCommand, failure.Message);
        Assert.Equal(new[] { first.ServingVersion }, VersionIds("default"));
        Assert.Equal(new Dictionary<string, double> { [first.ServingVersion] = 1.0 }, Traffic("default"));
        Assert.Contains(error.Report.Resources, r => r.ResourceId == "server-traffic" && r.Outcome == ResourceOutcome.Skipped);
    }

    [Fact]
    public async Task A_failed_version_that_could_not_be_deleted_is_replaced_by_the_next_run_and_never_takes_traffic()
    {
        var first = await DeployAsync(Input(TestImages.First));
        MarkUnhealthy(TestImages.Second);
        await AddFaultAsync("""{"api":"appengine","method":"DELETE","pathContains":"/versions/v-222222222222","script":[403]}""");
        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync(Input(TestImages.Second)));
        Assert.Contains("could not be deleted", error.InnerException!.Message);
        var failed = VersionIds("default").Single(v => v.StartsWith("v-222222222222-", StringComparison.Ordinal));

        // Fixed: the same image now comes up. The re-run plans the listed failed version as a replacement.
        Read(s =>
        {
            s.ApiState<AppEngineState>().UnhealthyImages.Clear();
            return true;
        });
        var plan = await PlanAsync(Input(TestImages.Second));
        var change = plan.Changes.Single(c => c.ResourceId == "server-version");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains("never came up", change.Reason);
        Assert.False(Traffic("default").ContainsKey(failed));

        var second = await DeployAsync(Input(TestImages.Second));

        Assert.Equal(failed, second.ServingVersion);
        Assert.Equal(new Dictionary<string, double> { [failed] = 1.0 }, Traffic("default"));
        Assert.Contains(first.ServingVersion, VersionIds("default"));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_followed_through_app_engines_own_operation()
    {
        await DeployAsync(Input(TestImages.First));
        await AddFaultAsync("""{"api":"appengine","method":"POST","pathContains":"/versions","script":["lost"]}""");

        var second = await DeployAsync(Input(TestImages.Second));

        Assert.StartsWith("v-222222222222-", second.ServingVersion);
        Assert.Equal(new Dictionary<string, double> { [second.ServingVersion] = 1.0 }, Traffic("default"));
    }

    [Fact]
    public async Task A_create_that_never_reached_app_engine_says_so()
    {
        await DeployAsync(Input(TestImages.First));
        await AddFaultAsync("""{"api":"appengine","method":"POST","pathContains":"/versions","rate":1.0,"status":503}""");

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync(Input(TestImages.Second)));

        Assert.Contains("did not reach appengine.googleapis.com", error.Message);
        Assert.Contains("nothing was created", error.Message);
        Assert.DoesNotContain("after its creation", error.Message);
        Assert.Single(VersionIds("default"));
    }

    [Fact]
    public async Task Liveness_checks_start_only_after_the_readiness_start_timeout()
    {
        await DeployAsync(Input());

        var body = Read(s => Service("default")!.Versions.Values.Single().Body.DeepClone().AsObject());
        var startTimeout = TimeSpan.FromSeconds(double.Parse(((string)body["readinessCheck"]!["appStartTimeout"]!).TrimEnd('s')));
        var initialDelay = TimeSpan.FromSeconds(double.Parse(((string)body["livenessCheck"]!["initialDelay"]!).TrimEnd('s')));
        Assert.True(initialDelay >= startTimeout, $"liveness starts after {initialDelay}, a first start may take {startTimeout}");
    }

    [Fact]
    public async Task The_version_kept_for_rollback_is_stopped_so_it_bills_nothing()
    {
        var first = await DeployAsync(Input(TestImages.First));
        var second = await DeployAsync(Input(TestImages.Second));

        var kept = Read(s => Service("default")!.Versions[first.ServingVersion].ServingStatus);
        var serving = Read(s => Service("default")!.Versions[second.ServingVersion].ServingStatus);
        Assert.Equal("STOPPED", kept);
        Assert.Equal("SERVING", serving);
        Host.ClearRequests();
        await DeployAsync(Input(TestImages.Second));
        Assert.Empty(MutatingRequests());
    }
}
