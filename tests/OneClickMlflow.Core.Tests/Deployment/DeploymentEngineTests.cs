using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Deployment
{
    public class DeploymentEngineTests
    {
        [Fact]
        public async Task First_run_plans_every_resource_as_create_and_creates_them_in_dependency_order()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);
            var engine = deployment.Engine();

            var plan = await engine.PlanAsync(deployment.All, CancellationToken.None);

            Assert.All(plan.Changes, c => Assert.Equal(ChangeAction.Create, c.Action));
            var order = plan.Changes.Select(c => c.ResourceId).ToList();
            Assert.True(order.IndexOf("network") < order.IndexOf("range"));
            Assert.True(order.IndexOf("range") < order.IndexOf("connection"));
            Assert.True(order.IndexOf("sql") < order.IndexOf("database"));
            Assert.Equal("does not exist", plan.Changes.Single(c => c.ResourceId == "network").Reason);
            Assert.Equal("created once Fake network 'network-name' exists", plan.Changes.Single(c => c.ResourceId == "range").Reason);
            Assert.Equal(0, deployment.Range.Observations); // its dependency does not exist: nothing to read
            Assert.Equal(0, cloud.Mutations);

            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.All(report.Resources, r => Assert.Equal(ResourceOutcome.Succeeded, r.Outcome));
            Assert.All(deployment.All, r => Assert.Equal(1, cloud.CreateCount(r.Id)));
            Assert.Equal(6, cloud.Mutations);
            foreach (var resource in deployment.All)
            {
                foreach (var dependency in resource.DependsOn)
                {
                    Assert.True(report[resource.Id].StartedAt >= report[dependency.Id].EndedAt,
                        $"{resource.Id} started before {dependency.Id} ended");
                }
            }
        }

        [Fact]
        public async Task Plan_summary_counts_each_action()
        {
            var cloud = await FakeDeployment.DeployedCloudAsync();
            cloud.Tamper("bucket", "changed-by-hand");
            cloud.Delete("database");
            var again = new FakeDeployment(cloud);

            var plan = await again.Engine().PlanAsync(again.All, CancellationToken.None);

            Assert.Equal("1 to create, 1 to update, 0 to delete, 4 unchanged", plan.Summary);
        }

        [Fact]
        public async Task Resource_that_reads_without_its_dependencies_is_observed_while_they_are_missing()
        {
            var cloud = new FakeCloud();
            cloud.Create("iam", "v1");
            var account = new FakeResource(cloud, "account");
            var binding = new FakeResource(cloud, "iam", account) { ReadsWithoutDependencies = true };

            var plan = await new DeploymentEngine().PlanAsync(new[] { binding }, CancellationToken.None);

            Assert.Equal(1, binding.Observations);
            Assert.Equal(ChangeAction.Create, plan.Changes.Single(c => c.ResourceId == "account").Action);
            Assert.Equal(ChangeAction.None, plan.Changes.Single(c => c.ResourceId == "iam").Action);
        }

        [Fact]
        public async Task Resource_that_gates_its_dependents_keeps_them_unread_until_it_is_applied()
        {
            var cloud = new FakeCloud();
            cloud.Create("apis", "some-enabled");
            cloud.Create("network", "v1");
            var apis = new FakeResource(cloud, "apis") { Wanted = "all-enabled", GatesDependents = true };
            var network = new FakeResource(cloud, "network", apis);
            var range = new FakeResource(cloud, "range", network);
            var engine = new DeploymentEngine();

            var plan = await engine.PlanAsync(new[] { range }, CancellationToken.None);

            Assert.Equal(ChangeAction.Update, plan.Changes[0].Action);
            Assert.Equal("read once Fake apis 'apis-name' is ready, and created if missing", plan.Changes[1].Reason);
            Assert.Equal("created once Fake network 'network-name' exists", plan.Changes[2].Reason);
            Assert.Equal(0, network.Observations);

            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.Equal(ResourceOutcome.Unchanged, report["network"].Outcome); // it existed: read, not created again
            Assert.Equal(ResourceOutcome.Succeeded, report["range"].Outcome);
            Assert.Equal(1, cloud.CreateCount("network"));
        }

        [Fact]
        public async Task Second_run_plans_no_change_and_mutates_nothing()
        {
            var cloud = await FakeDeployment.DeployedCloudAsync();
            var mutationsAfterFirstRun = cloud.Mutations;

            var again = new FakeDeployment(cloud);
            var engine = again.Engine();
            var plan = await engine.PlanAsync(again.All, CancellationToken.None);
            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.False(plan.HasChanges);
            Assert.All(plan.Changes, c => Assert.Equal(ChangeAction.None, c.Action));
            Assert.All(report.Resources, r => Assert.Equal(ResourceOutcome.Unchanged, r.Outcome));
            Assert.Equal(mutationsAfterFirstRun, cloud.Mutations);
        }

        [Fact]
        public async Task Independent_resources_overlap_in_time_and_dependents_start_after_their_dependencies_end()
        {
            var cloud = new FakeCloud();
            var slow = TimeSpan.FromMilliseconds(250);
            var first = new FakeResource(cloud, "first") { ApplyDelay = slow };
            var second = new FakeResource(cloud, "second") { ApplyDelay = slow };
            var after = new FakeResource(cloud, "after", first) { ApplyDelay = slow };
            var engine = new DeploymentEngine();

            var plan = await engine.PlanAsync(new[] { first, second, after }, CancellationToken.None);
            await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.True(first.ApplyStarted < second.ApplyEnded && second.ApplyStarted < first.ApplyEnded,
                "independent resources did not run at the same time");
            Assert.True(after.ApplyStarted >= first.ApplyEnded, "a dependent started before its dependency finished");
        }

        [Fact]
        public async Task Diamond_graph_takes_about_its_critical_path()
        {
            var cloud = new FakeCloud();
            var top = new FakeResource(cloud, "top") { ApplyDelay = TimeSpan.FromMilliseconds(100) };
            var slowSide = new FakeResource(cloud, "slow-side", top) { ApplyDelay = TimeSpan.FromMilliseconds(400) };
            var fastSide = new FakeResource(cloud, "fast-side", top) { ApplyDelay = TimeSpan.FromMilliseconds(300) };
            var bottom = new FakeResource(cloud, "bottom", slowSide, fastSide) { ApplyDelay = TimeSpan.FromMilliseconds(100) };
            var engine = new DeploymentEngine();

            var plan = await engine.PlanAsync(new[] { bottom }, CancellationToken.None);
            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);
            var criticalPath = report.CriticalPath();

            Assert.Equal(new[] { "top", "slow-side", "bottom" }, criticalPath.ResourceIds);
            Assert.InRange(criticalPath.Total, TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1500));
            var ratio = report.WallTime.TotalMilliseconds / criticalPath.Total.TotalMilliseconds;
            Assert.InRange(ratio, 0.99, 1.3); // one at a time would take 900 ms for a 600 ms critical path: 1.5
        }

        [Fact]
        public async Task No_more_applies_run_at_once_than_the_concurrency_bound()
        {
            var cloud = new FakeCloud();
            var resources = Enumerable.Range(1, 9)
                .Select(i => new FakeResource(cloud, "r" + i) { ApplyDelay = TimeSpan.FromMilliseconds(80) })
                .ToArray();
            var engine = new DeploymentEngine(new DeploymentEngineOptions { MaxConcurrency = 3 });

            var plan = await engine.PlanAsync(resources, CancellationToken.None);
            await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.Equal(3, cloud.MaxConcurrentApplies);
            Assert.All(resources, r => Assert.True(cloud.Exists(r.Id)));
        }

        [Fact]
        public async Task Independent_resources_are_read_concurrently_within_the_bound()
        {
            var cloud = new FakeCloud();
            var resources = Enumerable.Range(1, 9)
                .Select(i => new FakeResource(cloud, "r" + i) { ObserveDelay = TimeSpan.FromMilliseconds(80) })
                .ToArray();

            await new DeploymentEngine(new DeploymentEngineOptions { MaxConcurrency = 3 }).PlanAsync(resources, CancellationToken.None);

            Assert.Equal(3, cloud.MaxConcurrentReads);
        }

        [Fact]
        public async Task Failed_read_is_rethrown_as_is_and_nothing_is_changed()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);
            var denied = new UnauthorizedAccessException("permission denied on buckets.get");
            deployment.Bucket.ObserveFailWith = denied;

            var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(
                () => deployment.Engine().PlanAsync(deployment.All, CancellationToken.None));

            Assert.Same(denied, error);
            Assert.Equal(0, cloud.Mutations);
        }

        [Fact]
        public async Task Cancelled_plan_throws_operation_cancelled()
        {
            var cloud = new FakeCloud();
            var slow = new FakeResource(cloud, "slow") { ObserveDelay = TimeSpan.FromSeconds(30) };
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => new DeploymentEngine().PlanAsync(new[] { slow }, stop.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        }

        [Fact]
        public async Task Declined_change_skips_its_dependents_without_asking_and_applies_the_rest()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);
            var engine = deployment.Engine();
            var plan = await engine.PlanAsync(deployment.All, CancellationToken.None);
            var asked = new System.Collections.Generic.List<string>();
            var callerThread = Environment.CurrentManagedThreadId;

            var approval = plan.Approve(change =>
            {
                Assert.Equal(callerThread, Environment.CurrentManagedThreadId); // ShouldProcess needs the pipeline thread
                asked.Add(change.ResourceId);
                return change.ResourceId != "range";
            });
            var report = await engine.ApplyAsync(approval, CancellationToken.None);

            Assert.Equal(new[] { "range" }, approval.Declined.Select(c => c.ResourceId));
            Assert.Equal(new[] { "connection", "sql", "database" }, approval.Skipped.Select(c => c.ResourceId));
            Assert.DoesNotContain("connection", asked);
            Assert.Equal(ResourceOutcome.Declined, report["range"].Outcome);
            Assert.Equal(ResourceOutcome.Skipped, report["sql"].Outcome);
            Assert.Equal(ResourceOutcome.Succeeded, report["network"].Outcome);
            Assert.Equal(ResourceOutcome.Succeeded, report["bucket"].Outcome);
            Assert.False(cloud.Exists("range"));
            Assert.False(cloud.Exists("sql"));
        }

        [Fact]
        public async Task After_a_failure_no_billed_work_starts_but_what_runs_finishes()
        {
            // Ordered by the engine's own events, not by delays: the instance starts, then the range fails, then the
            // network the version waits for is done.
            var instanceStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var rangeFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var cloud = new FakeCloud();
            var failing = new FakeResource(cloud, "range") { FailWith = new InvalidOperationException("quota exceeded for ranges"), FinishAfter = instanceStarted.Task };
            var running = new FakeResource(cloud, "instance") { Billed = true, FinishAfter = rangeFailed.Task };
            var network = new FakeResource(cloud, "network") { FinishAfter = rangeFailed.Task };
            var later = new FakeResource(cloud, "version", network) { Billed = true };
            var engine = new DeploymentEngine(new DeploymentEngineOptions
            {
                OnEvent = e =>
                {
                    if (e.ResourceId == "instance" && e.Phase == ResourcePhase.Applying)
                    {
                        instanceStarted.TrySetResult();
                    }
                    if (e.ResourceId == "range" && e.Phase == ResourcePhase.Failed)
                    {
                        rangeFailed.TrySetResult();
                    }
                },
            });
            var plan = await engine.PlanAsync(new[] { failing, running, later }, CancellationToken.None);

            var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None));

            var outcomes = error.Report.Resources.ToDictionary(r => r.ResourceId, r => r);
            Assert.Equal(ResourceOutcome.Succeeded, outcomes["instance"].Outcome); // started before the failure
            Assert.Equal(ResourceOutcome.Succeeded, outcomes["network"].Outcome); // not billed
            Assert.Equal(ResourceOutcome.Skipped, outcomes["version"].Outcome);
            Assert.Contains("range failed first", outcomes["version"].Message);
            Assert.False(cloud.Exists("version"));
        }

        [Fact]
        public async Task Failure_skips_dependents_lets_independent_work_finish_and_names_the_resource()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);
            var boom = new InvalidOperationException("quota exceeded for ranges");
            deployment.Range.FailWith = boom;
            deployment.Bucket.ApplyDelay = TimeSpan.FromMilliseconds(300);
            var engine = deployment.Engine();
            var plan = await engine.PlanAsync(deployment.All, CancellationToken.None);

            var error = await Assert.ThrowsAsync<DeploymentFailedException>(
                () => engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None));

            Assert.Contains("range", error.Message);
            Assert.Contains("quota exceeded for ranges", error.Message);
            Assert.Same(boom, error.InnerException);
            Assert.Equal("range", Assert.Single(error.Failures).ResourceId);
            Assert.Equal(ResourceOutcome.Skipped, error.Report["connection"].Outcome);
            Assert.Equal(ResourceOutcome.Skipped, error.Report["database"].Outcome);
            Assert.Equal(ResourceOutcome.Succeeded, error.Report["bucket"].Outcome);
            Assert.True(cloud.Exists("bucket"));
            Assert.False(cloud.Exists("connection"));
            Assert.Contains(deployment.Events, e => e.ResourceId == "connection" && e.Phase == ResourcePhase.Skipped);
        }

        [Fact]
        public async Task Cancelled_run_stops_promptly_and_the_next_run_finishes_with_exactly_one_of_each()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud, TimeSpan.FromMilliseconds(150));
            deployment.Bucket.ApplyDelay = TimeSpan.FromSeconds(30);
            using var stop = new CancellationTokenSource();
            var engine = new DeploymentEngine(new DeploymentEngineOptions
            {
                OnEvent = e =>
                {
                    if (e.ResourceId == "connection" && e.Phase == ResourcePhase.Applying)
                    {
                        stop.Cancel(); // Ctrl+C while the connection is being made
                    }
                },
            });
            var plan = await engine.PlanAsync(deployment.All, CancellationToken.None);
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.ApplyAsync(plan.ApproveAll(), stop.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "cancellation did not stop the pending work");
            Assert.False(cloud.Exists("sql"));

            var report = await new FakeDeployment(cloud).RunAsync();

            Assert.Equal(ResourceOutcome.Unchanged, report["network"].Outcome);
            Assert.Equal(ResourceOutcome.Unchanged, report["connection"].Outcome); // its create was sent before the stop
            Assert.Equal(ResourceOutcome.Succeeded, report["sql"].Outcome);
            Assert.All(new FakeDeployment(cloud).All, r => Assert.Equal(1, cloud.CreateCount(r.Id)));
        }

        [Fact]
        public async Task Drift_is_planned_as_update_and_put_back()
        {
            var cloud = await FakeDeployment.DeployedCloudAsync();
            cloud.Tamper("bucket", "changed-by-hand");
            var mutations = cloud.Mutations;

            var again = new FakeDeployment(cloud);
            var engine = again.Engine();
            var plan = await engine.PlanAsync(again.All, CancellationToken.None);
            var change = plan.Changes.Single(c => c.Action != ChangeAction.None);
            await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.Equal("bucket", change.ResourceId);
            Assert.Equal(ChangeAction.Update, change.Action);
            Assert.Equal("value is 'changed-by-hand', want 'v1'", change.Reason);
            Assert.Equal("changed-by-hand -> v1", change.Details["value"]);
            Assert.Equal("v1", cloud.Get("bucket"));
            Assert.Equal(mutations + 1, cloud.Mutations);
        }

        [Fact]
        public async Task Change_that_cannot_be_made_in_place_is_refused_while_planning()
        {
            var cloud = await FakeDeployment.DeployedCloudAsync();
            cloud.Tamper("sql", "MYSQL_5_7");
            var mutations = cloud.Mutations;
            var again = new FakeDeployment(cloud);
            again.Sql.Immutable = true;
            again.Bucket.Wanted = "v2"; // a change that could be made, but must not be while another is refused

            var error = await Assert.ThrowsAsync<PlanningException>(() => again.Engine().PlanAsync(again.All, CancellationToken.None));

            var refusal = Assert.Single(error.Refusals);
            Assert.Equal("sql", refusal.ResourceId);
            Assert.Contains("cannot change to 'v1' in place", error.Message);
            Assert.Equal(mutations, cloud.Mutations);
            Assert.Equal("v1", cloud.Get("bucket"));
        }

        [Fact]
        public async Task Removal_deletes_dependents_first_and_keeps_resources_that_hold_data()
        {
            var cloud = await FakeDeployment.DeployedCloudAsync();
            var removal = new FakeDeployment(cloud);
            removal.Bucket.KeepOnRemove = true;
            var engine = removal.Engine();

            var plan = await engine.PlanAsync(removal.All, DeploymentIntent.Remove, CancellationToken.None);
            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            var order = plan.Changes.Select(c => c.ResourceId).ToList();
            Assert.True(order.IndexOf("database") < order.IndexOf("sql"));
            Assert.True(order.IndexOf("range") < order.IndexOf("network"));
            Assert.Equal(ChangeAction.None, plan.Changes.Single(c => c.ResourceId == "bucket").Action);
            Assert.True(report["network"].StartedAt >= report["range"].EndedAt, "network deleted before what uses it");
            Assert.True(cloud.Exists("bucket"));
            Assert.All(new[] { "network", "range", "connection", "sql", "database" }, id => Assert.False(cloud.Exists(id)));
        }

        [Fact]
        public async Task Progress_events_follow_each_resource_through_its_phases()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);

            await deployment.RunAsync();

            var network = deployment.Events.Where(e => e.ResourceId == "network").Select(e => e.Phase).ToList();
            Assert.Equal(new[] { ResourcePhase.Observing, ResourcePhase.Planned, ResourcePhase.Applying,
                ResourcePhase.Applying, ResourcePhase.Succeeded }, network);
            Assert.Contains(deployment.Events, e => e.ResourceId == "sql" && e.Phase == ResourcePhase.Waiting);
            Assert.Contains(deployment.Events, e => e.ResourceId == "sql" && e.Message == "waiting for operation" && e.PercentComplete == 50);
        }

        [Fact]
        public async Task Resource_planned_before_its_dependency_existed_is_read_again_before_it_is_applied()
        {
            var cloud = new FakeCloud();
            var deployment = new FakeDeployment(cloud);
            var engine = deployment.Engine();
            var plan = await engine.PlanAsync(deployment.All, CancellationToken.None);
            cloud.Create("sql", "v1"); // made by someone else between plan and apply

            var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

            Assert.False(plan.Changes.Single(c => c.ResourceId == "sql").Observed);
            Assert.Equal(1, deployment.Sql.Observations);
            Assert.Equal(ResourceOutcome.Unchanged, report["sql"].Outcome);
            Assert.Equal(1, cloud.CreateCount("sql"));
            Assert.Equal(ResourceOutcome.Succeeded, report["database"].Outcome);
        }

        [Fact]
        public async Task Dependency_cycle_is_reported_before_anything_is_read()
        {
            var loop = new LoopResource();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => new DeploymentEngine().PlanAsync(new Resource[] { loop }, CancellationToken.None));

            Assert.Contains("loop -> loop", error.Message);
        }

        [Fact]
        public async Task Two_resources_with_one_id_are_refused()
        {
            var cloud = new FakeCloud();

            var error = await Assert.ThrowsAsync<ArgumentException>(() => new DeploymentEngine().PlanAsync(
                new[] { new FakeResource(cloud, "bucket"), new FakeResource(cloud, "bucket") }, CancellationToken.None));

            Assert.Contains("'bucket'", error.Message);
        }

        private sealed class LoopResource : Resource
        {
            public LoopResource() : base("loop", "Loop", "loop", new Resource[1]) => ((Resource[])DependsOn)[0] = this;

            protected override bool Exists => false;
            public override Task ObserveAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            public override PlannedChange Plan() => Create();
            public override Task ApplyAsync(ResourceApplyContext context) => Task.CompletedTask;
        }
    }
}
