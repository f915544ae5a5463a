using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests.Removal;

/// <summary>
/// A deployment run right after a removal that stopped half-way converges in that one run: Google goes on with the
/// operations the stopped removal started, and the deployment neither fails on what vanishes under it nor ends with
/// what those operations change afterwards.
/// </summary>
public sealed class InterruptedRemovalRedeployTests : RemovalTestBase
{
    private const string RepositoryDelete = "artifactregistry.repositories.delete";
    private const string InstancePatch = "sql.instances.update";

    public static TheoryData<string, ResourcePhase> StopPoints => new()
    {
        { "iap-access", ResourcePhase.Succeeded },
        { "server-version", ResourcePhase.Applying },
        { "server-version", ResourcePhase.Succeeded },
        { "server-account", ResourcePhase.Succeeded },
        { "db-password-secret", ResourcePhase.Succeeded },
        { "image-repository", ResourcePhase.Succeeded },
        { "log-pusher-account", ResourcePhase.Succeeded },
        { "bucket", ResourcePhase.Succeeded },
    };

    [Theory]
    [MemberData(nameof(StopPoints))]
    public async Task A_deployment_after_a_removal_stopped_at_a_resource_succeeds_at_once_and_shows_no_drift(string resourceId, ResourcePhase phase)
    {
        await DeployAsync();
        using var cancellation = new CancellationTokenSource();
        var reached = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RemoveAsync(onEvent: e =>
        {
            if (e.ResourceId == resourceId && e.Phase == phase)
            {
                reached = true;
                cancellation.Cancel();
            }
        }, cancellationToken: cancellation.Token));
        Assert.True(reached, $"the removal never reached {resourceId} {phase}");

        await DeployAsync();

        Assert.Empty(await DriftAsync());
    }

    [Fact]
    public async Task A_repository_delete_google_finishes_while_the_deployment_reads_it_is_made_again_in_the_same_run()
    {
        await DeployThenStopRemovalWhileGoogleWorksOnAsync(RepositoryDelete, "DELETE", "/repositories/" + Names.ArtifactRepositoryName);
        Assert.True(RepositoryExists(), "Google is still deleting the repository");

        // Google finishes the delete between the deployment's read of the repository and its read of the repository's policy.
        var finished = 0;
        Host.State.Faults.Add(new FaultRule
        {
            Api = "artifactregistry", Method = "GET", PathContains = "/repositories/" + Names.ArtifactRepositoryName + ":getIamPolicy",
            Script = new[] { 200 }, Before = () => finished += Host.State.Operations.FinishNow(RepositoryDelete),
        });

        await DeployAsync();

        Assert.Equal(1, finished);
        Assert.True(RepositoryExists());
        Assert.Empty(await DriftAsync());
    }

    [Fact]
    public async Task A_deletion_protection_patch_left_running_is_waited_for_and_turned_back_on_in_the_same_run()
    {
        await DeployThenStopRemovalWhileGoogleWorksOnAsync(InstancePatch, "PATCH", "/instances/" + Names.SqlInstanceName);

        // Google finishes the patch (deletion protection off) a moment after the next deployment read the instance.
        Task<int>? finishing = null;
        await DeployAsync(onEvent: e =>
        {
            if (e.ResourceId == "sql-instance" && e.Phase == ResourcePhase.Observing)
            {
                finishing ??= Task.Delay(300).ContinueWith(_ => Host.State.Operations.FinishNow(InstancePatch), TaskScheduler.Default);
            }
        });
        Assert.Equal(1, await finishing!);

        Assert.True(Read(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].DeletionProtected));
        Assert.Empty(await DriftAsync());
    }

    /// <summary>
    /// Deploys, then starts a removal and stops it (Ctrl+C) as soon as Google has accepted the request that starts an
    /// operation of <paramref name="kind"/>, which Google then goes on working on until the test finishes it.
    /// </summary>
    private async Task DeployThenStopRemovalWhileGoogleWorksOnAsync(string kind, string method, string pathEnd)
    {
        await DeployAsync();
        Host.State.Latency.Hold(kind, TimeSpan.FromHours(1));
        using var cancellation = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!Host.Requests.Any(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal) && r.Status is >= 200 and < 300))
            {
                await Task.Delay(5);
            }
            cancellation.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RemoveAsync(cancellationToken: cancellation.Token));
        await watcher;
        Host.State.Latency.Hold(kind, null);
    }

    private async Task<string[]> DriftAsync() =>
        (await PlanAsync()).Changes.Where(c => c.Action != ChangeAction.None).Select(c => $"{c.ResourceId}: {c.Action} {c.Reason}").ToArray();
}
