using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Lease;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Platform;
using Xunit;

namespace OneClickMlflow.Tests.Deployment;

/// <summary>One run at a time per deployment: the lease object in the deployment's bucket, as another run or Google sees it.</summary>
public sealed class RunLeaseTests : PlatformDeploymentTestBase
{
    private static readonly RunLeaseOptions Fast = new() { Duration = TimeSpan.FromSeconds(30), RenewEvery = TimeSpan.FromMilliseconds(100), PollEvery = TimeSpan.FromMilliseconds(50) };

    private static RunLeaseRecord Run(string operation = LeasedRun.NewOperation, string holder = "alice@example.com") =>
        RunLeaseRecord.ForThisProcess(operation, holder);

    private DeploymentRunLease Lease(GoogleCloudSession session, RunLeaseRecord? record = null, RunLeaseOptions? options = null) =>
        new(session.Storage, Names.Name, Names.BucketName, record ?? Run(), options ?? Fast);

    private async Task MakeBucketAsync(GoogleCloudSession session) =>
        await session.Storage.InsertBucketAsync(Project, new OneClickMlflow.Google.StorageBucket { Name = Names.BucketName, Location = "EUROPE-WEST1" }, CancellationToken.None);

    private RunLeaseRecord? Stored() => Read(s =>
    {
        var bucket = s.ApiState<StorageState>().Buckets.GetValueOrDefault(Names.BucketName);
        var item = bucket?.Objects.GetValueOrDefault(DeploymentRunLease.ObjectName);
        return item == null ? null : System.Text.Json.JsonSerializer.Deserialize<RunLeaseRecord>(Encoding.UTF8.GetString(item.Content),
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase });
    });

    [Fact]
    public async Task A_second_run_is_refused_at_once_naming_who_holds_the_lease_and_how_to_break_it()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var first = Lease(session, Run(LeasedRun.RemoveOperation, "bob@example.com"));
        await first.TakeAsync(await first.ReadAsync(CancellationToken.None), CancellationToken.None);
        using var second = Lease(session);

        var busy = await Assert.ThrowsAsync<DeploymentBusyException>(() => second.WaitUntilFreeAsync(TimeSpan.Zero, null, CancellationToken.None));

        Assert.Contains("Remove-MlflowDeployment by bob@example.com", busy.Message);
        Assert.Contains($"gcloud storage rm gs://{Names.BucketName}/{DeploymentRunLease.ObjectName}", busy.RecommendedAction);
        Assert.Contains("-LockTimeout", busy.RecommendedAction);
        await first.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_waiting_run_gets_the_lease_once_the_holder_releases_it()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var first = Lease(session);
        await first.TakeAsync(await first.ReadAsync(CancellationToken.None), CancellationToken.None);
        using var second = Lease(session);

        var waiting = second.WaitUntilFreeAsync(TimeSpan.FromSeconds(20), null, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await first.ReleaseAsync(completed: true, CancellationToken.None);
        var (state, waitedFor) = await waiting;

        Assert.NotNull(waitedFor);
        await second.TakeAsync(state, CancellationToken.None);
        Assert.True(second.Held);
        await second.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task Of_two_runs_that_read_the_same_free_lease_only_one_takes_it()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var a = Lease(session);
        using var b = Lease(session);
        var seenByA = await a.ReadAsync(CancellationToken.None);
        var seenByB = await b.ReadAsync(CancellationToken.None);

        var results = await Task.WhenAll(Attempt(a, seenByA), Attempt(b, seenByB));

        Assert.Single(results, r => r == null);
        Assert.IsType<RunLeaseChangedException>(Assert.Single(results, r => r != null));

        static async Task<Exception?> Attempt(DeploymentRunLease lease, RunLeaseState seen)
        {
            try
            {
                await lease.TakeAsync(seen, CancellationToken.None);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }

    [Fact]
    public async Task A_run_that_another_run_came_and_went_behind_is_told_its_plan_is_out_of_date()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var late = Lease(session);
        var seen = await late.ReadAsync(CancellationToken.None);
        using (var other = Lease(session, Run(LeasedRun.RemoveOperation)))
        {
            await other.TakeAsync(await other.ReadAsync(CancellationToken.None), CancellationToken.None);
            await other.ReleaseAsync(completed: true, CancellationToken.None);
        }

        var changed = await Assert.ThrowsAsync<RunLeaseChangedException>(() => late.TakeAsync(seen, CancellationToken.None));

        Assert.Null(changed.Holder); // it already ended
        Assert.Contains("out of date", changed.Message);
    }

    [Fact]
    public async Task A_killed_runs_lease_lapses_and_another_run_takes_it_over()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        var clock = DateTimeOffset.UtcNow;
        var options = new RunLeaseOptions { Duration = TimeSpan.FromMinutes(10), RenewEvery = TimeSpan.FromHours(1), Clock = () => clock };
        var killed = Lease(session, options: options);
        await killed.TakeAsync(await killed.ReadAsync(CancellationToken.None), CancellationToken.None);
        killed.StopRenewing(); // as if the process died
        using var next = Lease(session, options: options);
        await Assert.ThrowsAsync<DeploymentBusyException>(() => next.WaitUntilFreeAsync(TimeSpan.Zero, null, CancellationToken.None));

        clock = clock.AddMinutes(11);
        var (state, _) = await next.WaitUntilFreeAsync(TimeSpan.Zero, null, CancellationToken.None);
        await next.TakeAsync(state, CancellationToken.None);

        Assert.True(next.Held);
        await next.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task The_lease_of_a_run_whose_process_on_this_machine_is_gone_is_taken_over_at_once()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var gone = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        var record = Run(holder: "alice@example.com");
        record.ProcessId = gone.Id;
        var options = new RunLeaseOptions { Duration = TimeSpan.FromMinutes(10), RenewEvery = TimeSpan.FromHours(1) };
        var killed = Lease(session, record, options);
        await killed.TakeAsync(await killed.ReadAsync(CancellationToken.None), CancellationToken.None);
        killed.StopRenewing();
        using var next = Lease(session, options: options);

        var (state, _) = await next.WaitUntilFreeAsync(TimeSpan.Zero, null, CancellationToken.None);
        await next.TakeAsync(state, CancellationToken.None);

        Assert.True(next.Held);
        await next.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task The_holder_renews_its_lease_while_it_works_and_marks_it_released_at_the_end()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var lease = Lease(session);
        await lease.TakeAsync(await lease.ReadAsync(CancellationToken.None), CancellationToken.None);
        var firstExpiry = Stored()!.ExpiresAt;

        // Renewed every few hundred milliseconds here: waited for, not timed, so a busy machine does not fail it.
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); Stored()!.ExpiresAt <= firstExpiry && waited.Elapsed < TimeSpan.FromSeconds(20);)
        {
            await Task.Delay(50);
        }
        Assert.True(Stored()!.ExpiresAt > firstExpiry, "the lease was not renewed");
        await lease.ReleaseAsync(completed: true, CancellationToken.None);

        var released = Stored()!;
        Assert.NotNull(released.ReleasedAt);
        Assert.True(released.Completed);
        Assert.False(released.HeldAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_run_whose_lease_is_broken_is_told_at_its_next_renewal()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var lease = Lease(session);
        await lease.TakeAsync(await lease.ReadAsync(CancellationToken.None), CancellationToken.None);

        // gcloud storage rm gs://BUCKET/.oneclick-mlflow/run-lease.json, then another run takes it.
        Edit(s => s.ApiState<StorageState>().Buckets[Names.BucketName].Objects.Remove(DeploymentRunLease.ObjectName));
        using var other = Lease(session, Run(holder: "carol@example.com"));
        await other.TakeAsync(await other.ReadAsync(CancellationToken.None), CancellationToken.None);

        await Task.Delay(2000, lease.Lost).ContinueWith(_ => { });
        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.Contains("carol@example.com", lease.LostReason);
        await other.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_take_whose_answer_is_lost_is_recognised_as_taken_and_not_sent_again()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        await AddFaultAsync("""{"api":"storage","method":"POST","pathContains":"/o","script":["lost"]}""");
        using var lease = Lease(session);

        await lease.TakeAsync(await lease.ReadAsync(CancellationToken.None), CancellationToken.None);

        Assert.True(lease.Held);
        Assert.Equal(1, Host.Requests.Count(r => r.Method == "POST" && r.Path.Contains("/upload/")));
        await lease.ReleaseAsync(completed: true, CancellationToken.None);
    }

    [Fact]
    public async Task A_new_deployment_makes_its_bucket_then_takes_the_lease_there_before_anything_else()
    {
        using var session = await SessionAsync();
        var graph = Graph(session);
        var engine = new DeploymentEngine();
        using var lease = Lease(session);
        var run = new LeasedRun(lease, LeasedRun.NewOperation, TimeSpan.Zero);
        await run.WaitAsync(null, CancellationToken.None);
        var plan = await engine.PlanAsync(graph.Resources, CancellationToken.None);

        await run.ApplyAsync((gate, ct) => engine.ApplyAsync(plan.ApproveAll(), gate, ct), graph.Bucket.Id, new[] { graph.Apis.Id, graph.Bucket.Id },
            CancellationToken.None);

        var mutating = MutatingRequests().Select(r => r.Path).ToList();
        var leaseAt = mutating.FindIndex(p => p.Contains("/upload/"));
        Assert.True(leaseAt > 0, "no lease was taken");
        Assert.All(mutating.Take(leaseAt), p => Assert.True(p.Contains("serviceusage") || p.EndsWith("/b"), $"{p} changed before the lease"));
        Assert.True(Stored()!.Completed);
    }

    [Fact]
    public async Task A_new_run_that_waited_for_a_removal_makes_nothing_behind_it()
    {
        using var session = await SessionAsync();
        await MakeBucketAsync(session);
        using var removal = Lease(session, Run(LeasedRun.RemoveOperation, "bob@example.com"));
        await removal.TakeAsync(await removal.ReadAsync(CancellationToken.None), CancellationToken.None);
        using var lease = Lease(session);
        var run = new LeasedRun(lease, LeasedRun.NewOperation, TimeSpan.FromSeconds(20));

        var waiting = run.WaitAsync(null, CancellationToken.None);
        await Task.Delay(200);
        await removal.ReleaseAsync(completed: true, CancellationToken.None);

        var stopped = await Assert.ThrowsAsync<DeploymentRemovedWhileWaitingException>(() => waiting);
        Assert.Contains("removed while this run waited", stopped.Message);
    }
}
