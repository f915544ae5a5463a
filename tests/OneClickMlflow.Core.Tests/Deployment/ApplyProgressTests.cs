using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Deployment
{
    /// <summary>What a run shows while it applies: counts, time left, log lines and the minute status line, on a fake clock.</summary>
    public class ApplyProgressTests
    {
        private TimeSpan now;

        /// <summary>network (0:25) -> sql-instance (10:00) -> sql-database (0:10), all to create: ids whose expected durations are known.</summary>
        private async Task<ApplyProgress> StartAsync()
        {
            var cloud = new FakeCloud();
            var network = new FakeResource(cloud, "network");
            var instance = new FakeResource(cloud, "sql-instance", network);
            var database = new FakeResource(cloud, "sql-database", instance);
            var plan = await new DeploymentEngine().PlanAsync(new[] { network, instance, database }, CancellationToken.None);
            return new ApplyProgress(plan.ApproveAll(), () => now);
        }

        private static ResourceEvent Event(string id, ResourcePhase phase, string? message, ChangeAction action) =>
            new ResourceEvent(id, "Fake " + id, id + "-name", phase, action, TimeSpan.Zero, message);

        private ProgressNote? At(int seconds, ApplyProgress progress, string id, ResourcePhase phase, string? message = null,
            ChangeAction action = ChangeAction.Create)
        {
            now = TimeSpan.FromSeconds(seconds);
            return progress.Record(Event(id, phase, message, action));
        }

        [Fact]
        public async Task Each_change_started_and_finished_is_a_timestamped_line_with_the_count_done()
        {
            var progress = await StartAsync();

            Assert.Equal("[0:00] Applying 3 changes, expected to take about 10:35", progress.StartLine());
            Assert.Equal("[0:00] Fake network 'network-name': create started", At(0, progress, "network", ResourcePhase.Applying)!.Milestone);
            Assert.Equal("[0:25] Fake network 'network-name': created in 0:25 (1 of 3 done)",
                At(25, progress, "network", ResourcePhase.Succeeded)!.Milestone);
            Assert.Equal("[0:25] Fake sql-instance 'sql-instance-name': create started, usually takes about 10:00",
                At(25, progress, "sql-instance", ResourcePhase.Applying)!.Milestone);
            Assert.Null(At(40, progress, "sql-instance", ResourcePhase.Applying, "Cloud SQL is working")); // not a milestone
            Assert.Equal("1 of 3 done", progress.Summary);
            Assert.Equal(33, progress.Percent);
            // 10:00 expected, 0:15 of it gone, then the database's 0:10.
            Assert.Equal(TimeSpan.FromSeconds(585 + 10), progress.Remaining());
            At(625, progress, "sql-instance", ResourcePhase.Succeeded);
            At(625, progress, "sql-database", ResourcePhase.Applying);
            Assert.Equal("[10:31] Fake sql-database 'sql-database-name': created in 0:06 (3 of 3 done); all done after 10:31",
                At(631, progress, "sql-database", ResourcePhase.Succeeded)!.Milestone);
            Assert.Equal(100, progress.Percent);
            Assert.Equal(TimeSpan.Zero, progress.Remaining());
        }

        [Fact]
        public async Task A_change_read_again_before_it_applies_is_logged_with_the_action_it_takes_and_timed_from_the_read()
        {
            var progress = await StartAsync();

            Assert.Null(At(0, progress, "sql-instance", ResourcePhase.Observing));
            Assert.Equal("[0:03] Fake sql-instance 'sql-instance-name': update started, usually takes about 1:30",
                At(3, progress, "sql-instance", ResourcePhase.Applying, action: ChangeAction.Update)!.Milestone);
            Assert.Equal("[1:00] Fake sql-instance 'sql-instance-name': updated in 1:00 (1 of 3 done)",
                At(60, progress, "sql-instance", ResourcePhase.Succeeded, action: ChangeAction.Update)!.Milestone);
            Assert.Null(At(61, progress, "network", ResourcePhase.Observing));
            Assert.Equal("[1:05] Fake network 'network-name': already as wanted in 0:04 (2 of 3 done)",
                At(65, progress, "network", ResourcePhase.Succeeded, action: ChangeAction.None)!.Milestone);
        }

        [Fact]
        public async Task A_status_line_says_what_still_runs_once_a_minute_of_silence_and_never_when_nothing_runs()
        {
            var progress = await StartAsync();
            At(0, progress, "network", ResourcePhase.Applying);
            At(20, progress, "network", ResourcePhase.Succeeded);
            At(20, progress, "sql-instance", ResourcePhase.Applying);

            now = TimeSpan.FromSeconds(79);
            Assert.Null(progress.StatusLine());
            now = TimeSpan.FromSeconds(80);
            Assert.Equal("[1:20] Still working (1 of 3 done, about 9:10 left): Fake sql-instance 'sql-instance-name' (create, 1:00)",
                progress.StatusLine());
            now = TimeSpan.FromSeconds(139);
            Assert.Null(progress.StatusLine());
            now = TimeSpan.FromSeconds(140);
            Assert.StartsWith("[2:20] Still working (1 of 3 done, about 8:10 left): Fake sql-instance 'sql-instance-name' (create, 2:00)",
                progress.StatusLine());

            At(600, progress, "sql-instance", ResourcePhase.Failed, "quota exceeded");
            now = TimeSpan.FromMinutes(30);
            Assert.Null(progress.StatusLine());
        }

        [Fact]
        public async Task A_failure_is_a_warning_naming_the_resource_and_the_cause()
        {
            var progress = await StartAsync();
            At(0, progress, "network", ResourcePhase.Applying);

            var note = At(12, progress, "network", ResourcePhase.Failed, "Permission 'compute.networks.create' denied.");

            Assert.Equal("Fake network 'network-name' failed after 0:12: Permission 'compute.networks.create' denied.", note!.Warning);
            Assert.Equal("[0:12] Fake network 'network-name': failed (1 of 3 done)", note.Milestone);
        }

        [Fact]
        public async Task A_stop_names_the_changes_google_goes_on_with_how_to_follow_them_and_to_run_again()
        {
            var progress = await StartAsync();
            Assert.Null(progress.StoppedMessage("New-MlflowDeployment"));
            At(0, progress, "network", ResourcePhase.Applying);
            At(20, progress, "network", ResourcePhase.Succeeded);
            At(20, progress, "sql-instance", ResourcePhase.Applying);
            now = TimeSpan.FromSeconds(200);

            var message = progress.StoppedMessage("New-MlflowDeployment");

            Assert.Contains("Fake sql-instance 'sql-instance-name': create started 3:00 ago", message);
            Assert.Contains("gcloud sql operations list --instance=sql-instance-name", message);
            Assert.Contains("Run the same New-MlflowDeployment command again", message);
            Assert.DoesNotContain("network-name", message);
        }

        [Theory]
        [InlineData(5, "0:05")]
        [InlineData(600, "10:00")]
        [InlineData(3723, "1:02:03")]
        public void Durations_read_as_minutes_and_seconds(int seconds, string expected) =>
            Assert.Equal(expected, Clock.Format(TimeSpan.FromSeconds(seconds)));
    }
}
