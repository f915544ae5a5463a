using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
using System.Threading;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>What New-MlflowDeployment shows while it runs: progress records, log lines, failures as they happen, a stop.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class DeploymentProgressTests
{
    private readonly EmulatorFixture emulator;

    public DeploymentProgressTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        return id;
    }

    private static string Deploy(string project) => $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1";

    [Fact]
    public void One_parent_record_counts_the_changes_done_with_percent_and_time_left_over_one_child_per_resource()
    {
        var result = PowerShellRunner.Run(Deploy(NewProject("ps-progress-parent")));

        Assert.Empty(result.Errors);
        var parents = result.Progress.Where(p => p.ParentActivityId == -1 && p.Activity == "MLflow deployment 'mlflow'").ToList();
        Assert.NotEmpty(parents);
        var parentId = parents[0].ActivityId;
        var counted = parents.Where(p => Regex.IsMatch(p.StatusDescription, @"^\d+ of \d+ done$")).ToList();
        var first = counted.First();
        Assert.StartsWith("0 of ", first.StatusDescription);
        Assert.Equal(0, first.PercentComplete);
        // Creating the Cloud SQL instance alone is expected to take ten minutes.
        Assert.True(first.SecondsRemaining >= 600, $"{first.SecondsRemaining}s expected at the start");
        var total = int.Parse(first.StatusDescription.Split(' ')[2]);
        Assert.True(total >= 20, $"{total} changes");
        Assert.Contains(counted, p => p.StatusDescription == $"{total} of {total} done" && p.PercentComplete == 100 && p.SecondsRemaining == 0);
        Assert.Equal(ProgressRecordType.Completed, parents.Last().RecordType);

        var children = result.Progress.Where(p => p.ActivityId != parentId && p.ActivityId >= 1000).ToList();
        Assert.All(children, c => Assert.Equal(parentId, c.ParentActivityId));
        var network = children.Where(c => c.RecordType == ProgressRecordType.Processing && c.Activity.StartsWith("Compute network 'mlflow-network'", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(network);
        Assert.All(network, c => Assert.Matches(@"^(reading|create), \d+:\d\d elapsed", c.StatusDescription));
        Assert.Contains(children, c => c.Activity.StartsWith("Cloud SQL instance 'mlflow-", StringComparison.Ordinal) && c.StatusDescription.StartsWith("create, 0:0", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_console_each_change_started_and_finished_is_a_host_line_with_its_time()
    {
        // The in-process host has no RawUI: as in CI, the run writes milestone lines.
        var result = PowerShellRunner.Run(Deploy(NewProject("ps-progress-lines")));

        Assert.Empty(result.Errors);
        Assert.Matches(@"^\[0:\d\d\] Applying \d+ changes, expected to take about \d+:\d\d$", result.HostLines.First());
        Assert.Contains(result.HostLines, l => Regex.IsMatch(l, @"^\[\d+:\d\d\] Compute network 'mlflow-network': create started$"));
        Assert.Contains(result.HostLines, l => Regex.IsMatch(l, @"^\[\d+:\d\d\] Compute network 'mlflow-network': created in \d+:\d\d \(\d+ of \d+ done\)$"));
        Assert.Contains(result.HostLines, l => Regex.IsMatch(l, @"^\[\d+:\d\d\] Cloud SQL instance 'mlflow-[^']+': create started, usually takes about 10:00$"));
        Assert.Matches(@"\((\d+) of \1 done\); all done after \d+:\d\d$", result.HostLines.Last());
    }

    [Fact]
    public void A_failed_resource_is_a_warning_naming_it_and_the_cause_while_the_rest_still_runs()
    {
        var project = NewProject("ps-progress-failure");
        emulator.Host.State.Faults.Add(new Emulator.Infrastructure.FaultRule { Api = "sql", Method = "POST", Rate = 1, Status = 403 });
        // The App Engine application is still being made when the instance fails.
        emulator.Host.State.Latency.Hold("appengine.apps.create", TimeSpan.FromSeconds(4));
        try
        {
            using var shell = PowerShellRunner.Create();
            var appRunningWhenWarned = new List<bool>();
            shell.Streams.Warning.DataAdded += (_, e) =>
            {
                if (shell.Streams.Warning[e.Index].Message.StartsWith("Cloud SQL instance", StringComparison.Ordinal))
                {
                    var app = shell.Streams.Progress.Last(p => p.Activity.StartsWith("App Engine application", StringComparison.Ordinal));
                    appRunningWhenWarned.Add(app.RecordType == ProgressRecordType.Processing && app.StatusDescription.StartsWith("create", StringComparison.Ordinal));
                }
            };
            shell.AddScript(Deploy(project));
            shell.Invoke();

            Assert.Single(shell.Streams.Error);
            var warning = Assert.Single(shell.Streams.Warning, w => w.Message.StartsWith("Cloud SQL instance", StringComparison.Ordinal)).Message;
            Assert.Matches(@"^Cloud SQL instance 'mlflow-db' failed after \d+:\d\d: ", warning);
            Assert.EndsWith(": The caller does not have permission", warning); // the emulator's 403, as Google words it
            Assert.Contains("Cloud SQL instance 'mlflow-db'", shell.Streams.Error[0].Exception.Message);
            Assert.Equal(new[] { true }, appRunningWhenWarned);
        }
        finally
        {
            emulator.Host.State.Latency.Hold("appengine.apps.create", null);
            emulator.Host.State.Faults.Clear();
        }
    }

    [Fact]
    public void A_stop_names_the_google_operations_that_go_on_and_how_to_finish_them()
    {
        var project = NewProject("ps-progress-stop");
        emulator.Host.State.Latency.Hold("sql.instances.create", TimeSpan.FromHours(1));
        try
        {
            var host = new AnsweringHost(answerYes: true);
            using var runspace = RunspaceFactory.CreateRunspace(host, PowerShellRunner.SessionState());
            runspace.Open();
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = runspace;
            using var creating = new ManualResetEventSlim();
            shell.Streams.Progress.DataAdded += (_, e) =>
            {
                var record = shell.Streams.Progress[e.Index];
                if (record.Activity.StartsWith("Cloud SQL instance", StringComparison.Ordinal) && record.StatusDescription.StartsWith("create", StringComparison.Ordinal))
                {
                    creating.Set();
                }
            };
            shell.AddScript(Deploy(project));
            var running = shell.BeginInvoke();
            Assert.True(creating.Wait(TimeSpan.FromSeconds(60)), "the instance create never started");

            shell.Stop();

            Assert.True(running.IsCompleted);
            var stopped = Assert.Single(host.Lines, l => l.StartsWith("WARNING: Stopped.", StringComparison.Ordinal));
            Assert.Matches(@"Cloud SQL instance '(mlflow-[^']+)': create started \d+:\d\d ago; follow it with: gcloud sql operations list --instance=\1", stopped);
            Assert.Contains("Run the same New-MlflowDeployment command again", stopped);
            Assert.DoesNotContain("Compute network", stopped);
        }
        finally
        {
            emulator.Host.State.Latency.Hold("sql.instances.create", null);
        }
    }
}
