using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>New-MlflowDeployment in an in-process PowerShell against the emulator; each test deploys into its own project.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentTests
{
    private readonly EmulatorFixture emulator;

    public NewMlflowDeploymentTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();
        return id;
    }

    private int MutatingRequestCount() => emulator.Host.Requests.Count(r => r.Mutating);

    private T Read<T>(Func<Emulator.EmulatorState, T> read)
    {
        lock (emulator.Host.State.Gate)
        {
            return read(emulator.Host.State);
        }
    }

    [Fact]
    public void First_run_creates_everything_and_returns_the_deployment_and_a_second_run_makes_no_mutating_request()
    {
        var project = NewProject("ps-first-run");

        var first = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:alice@example.com");

        Assert.Empty(first.Errors);
        var deployment = Assert.IsType<MlflowDeployment>(Assert.Single(first.Output).BaseObject);
        var names = DeploymentNames.For(project);
        Assert.Equal(project, deployment.ProjectId);
        Assert.Equal("mlflow", deployment.Name);
        Assert.Equal("europe-west1", deployment.Region);
        Assert.Equal("europe-west", deployment.AppEngineLocationId);
        Assert.Equal("mlflow-network", deployment.Network);
        Assert.Equal("gs://" + names.BucketName, deployment.ArtifactDestination);
        Assert.Equal($"europe-west1-docker.pkg.dev/{project}/{names.ArtifactRepositoryName}", deployment.ImageRepository);
        Assert.Equal(new[] { names.LogPusherServiceAccountEmail, names.ServerServiceAccountEmail }, deployment.ServiceAccounts);
        Assert.Equal(new[] { "user:alice@example.com" }, deployment.WebAppUser);
        // All but seven: the image is given (in a public repository the server may already read), the new service's
        // first version takes its traffic, no older version exists, the project's organization and the service are
        // only read, and the deploying account (an owner) may already act as the server account.
        Assert.Equal(deployment.Changes.Count - 7, deployment.ChangeCount);
        Assert.True(Read(s => s.ApiState<StorageState>().Buckets.ContainsKey(names.BucketName)));

        emulator.Host.ClearRequests();
        var second = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:alice@example.com");

        Assert.Empty(second.Errors);
        Assert.Equal(0, ((MlflowDeployment)second.Output.Single().BaseObject).ChangeCount);
        Assert.NotEmpty(emulator.Host.Requests);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void WhatIf_on_a_fresh_project_makes_no_mutating_request_and_returns_nothing()
    {
        var project = NewProject("ps-what-if");

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region us-central1 -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.NotEmpty(emulator.Host.Requests);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void WhatIf_ends_with_one_line_that_counts_the_plan_and_names_what_each_change_waits_for()
    {
        var project = NewProject("ps-what-if-summary");

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region us-central1 -WhatIf 6>&1 | ForEach-Object {{ \"$_\" }}");

        Assert.Empty(result.Errors);
        var line = Assert.Single(result.Output.Select(o => o.ToString()), text => text.StartsWith("What if: Plan:", StringComparison.Ordinal));
        Assert.Matches(@"^What if: Plan: [1-9]\d* to create, \d+ to change, 0 to destroy, \d+ unchanged\.$", line);
        var plan = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region us-central1 -PlanOnly");
        Assert.Equal("created once Compute network 'mlflow-network' exists",
            plan.Output.Select(o => (PlannedChange)o.BaseObject).Single(c => c.ResourceId == "peering-range").Reason);
    }

    [Fact]
    public void PlanOnly_returns_one_change_per_resource_with_its_reason_and_makes_no_mutating_request()
    {
        var project = NewProject("ps-plan-only");

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region us-central1 -PlanOnly");

        Assert.Empty(result.Errors);
        var changes = result.Output.Select(o => Assert.IsType<PlannedChange>(o.BaseObject)).ToList();
        Assert.Equal(new[] { "apis", "network", "bucket", "log-pusher-account", "server-account", "peering-range", "private-services-access", "bucket-iam", "image-repository",
                "sql-instance", "sql-database", "sql-user", "db-password-secret", "db-password-access", "sql-client-role", "log-writer-role",
                "metric-writer-role", "app-engine-app", "organization", "iap", "server-image", "image-read-access", "server-version", "server-traffic",
                "old-versions", "keyless-logging", "iap-access", "server-service", "server-account-user", "server-signing" }.OrderBy(i => i),
            changes.Select(c => c.ResourceId).OrderBy(i => i));
        Assert.Equal(ChangeAction.Update, changes.Single(c => c.ResourceId == "apis").Action);
        Assert.Contains("sqladmin.googleapis.com", changes.Single(c => c.ResourceId == "apis").Reason);
        Assert.Equal(ChangeAction.None, changes.Single(c => c.ResourceId == "organization").Action);
        Assert.Equal(ChangeAction.None, changes.Single(c => c.ResourceId == "image-read-access").Action);
        Assert.Equal(ChangeAction.None, changes.Single(c => c.ResourceId == "server-service").Action);
        Assert.All(changes.Where(c => c.ResourceId is not ("apis" or "bucket-iam" or "server-image" or "organization" or "image-read-access" or "server-service")),
            c => Assert.Equal(ChangeAction.Create, c.Action));
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void Stopping_half_way_then_running_again_ends_with_exactly_one_of_each_resource()
    {
        var project = NewProject("ps-stopped");
        var names = DeploymentNames.For(project);
        emulator.Host.State.Latency.Set("realistic", 0.02);
        try
        {
            using (var shell = PowerShellRunner.Create())
            {
                shell.AddScript($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");
                var running = shell.BeginInvoke();
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (!Read(s => s.ApiState<ComputeState>().Networks.ContainsKey((project, names.NetworkName))) && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }

                shell.Stop();
                Assert.True(running.IsCompleted);
                Assert.False(Read(s => s.ApiState<ServiceNetworkingState>().Connections.ContainsKey((project, names.NetworkName))));
            }

            var again = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

            Assert.Empty(again.Errors);
            Assert.Single(again.Output);
        }
        finally
        {
            emulator.Host.State.Latency.Set("zero", 1);
        }

        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Networks.Keys.Count(k => k.Project == project)));
        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Addresses.Keys.Count(k => k.Project == project)));
        Assert.Equal(1, Read(s => s.ApiState<StorageState>().Buckets.Values.Count(b => b.ProjectId == project)));
        Assert.Equal(2, Read(s => s.ServiceAccounts.Count(a => a.Email.EndsWith($"@{project}.iam.gserviceaccount.com", StringComparison.Ordinal))));
        Assert.Equal(new[] { names.PeeringRangeName }, Read(s => s.ApiState<ServiceNetworkingState>().Connections[(project, names.NetworkName)].ToArray()));
    }

    [Fact]
    public void Shows_one_progress_bar_per_resource_and_completes_each()
    {
        var project = NewProject("ps-progress");

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

        Assert.Empty(result.Errors);
        var bars = result.Progress.GroupBy(p => p.ActivityId).ToList();
        Assert.True(bars.Count >= 8, $"{bars.Count} progress bars");
        Assert.All(bars, bar => Assert.Equal(ProgressRecordType.Completed, bar.Last().RecordType));
        Assert.Contains(result.Progress, p => p.Activity.Contains("Compute network 'mlflow-network'") && p.StatusDescription.Contains("elapsed"));
    }

    [Fact]
    public void A_network_name_that_does_not_exist_fails_with_a_stable_error_and_changes_nothing()
    {
        const string project = "ps-no-network";
        emulator.Host.State.AddProject(project, enabledServices: Prerequisites.PrerequisiteChecker.RequiredApis);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -NetworkName missing-net");

        var error = Assert.Single(result.Errors);
        Assert.Equal("DeploymentCannotBeChanged,OneClickMlflow.PowerShell.Cmdlets.NewMlflowDeploymentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("missing-net", error.ErrorDetails.Message);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void A_resource_that_fails_ends_the_run_with_the_google_error_and_the_failed_resource_named()
    {
        var project = NewProject("ps-denied-bucket");
        emulator.Host.State.Faults.Add(new Emulator.Infrastructure.FaultRule { Api = "storage", Method = "POST", Rate = 1, Status = 403 });
        try
        {
            var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

            var error = Assert.Single(result.Errors);
            Assert.Equal("GooglePermissionDenied,OneClickMlflow.PowerShell.Cmdlets.NewMlflowDeploymentCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Contains("Artifacts bucket", error.ErrorDetails.Message);
            Assert.Contains("Run the command again", error.ErrorDetails.Message);
            // The run lease lives in the bucket: without it nothing else is made.
            Assert.False(Read(s => s.ApiState<ComputeState>().Networks.ContainsKey((project, "mlflow-network"))));
        }
        finally
        {
            emulator.Host.State.Faults.Clear();
        }
    }

    [Fact]
    public void Without_ProjectId_the_project_comes_from_the_gcloud_configuration()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -Region europe-west1 -PlanOnly");

        Assert.Empty(result.Errors);
        var apis = result.Output.Select(o => (PlannedChange)o.BaseObject).Single(c => c.ResourceId == "apis");
        Assert.Equal(EmulatorFixture.OwnedProject, apis.Name);
        Assert.Contains(emulator.Host.Requests, r => r.Path.Contains($"/projects/{EmulatorFixture.OwnedProject}/services"));
    }

    [Fact]
    public void A_second_deployment_on_the_first_ones_network_reuses_the_network_and_its_peering_range()
    {
        var project = NewProject("ps-shared-network");
        var first = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -Name first");
        Assert.Empty(first.Errors);
        emulator.Host.ClearRequests();

        var second = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -Name second -NetworkName first-network");

        Assert.Empty(second.Errors);
        var deployment = (MlflowDeployment)second.Output.Single().BaseObject;
        Assert.Equal("first-network", deployment.Network);
        Assert.Equal("first-psa-range", deployment.PeeringRange);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Api is "compute" or "servicenetworking" && r.Mutating);
        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Networks.Keys.Count(k => k.Project == project)));
        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Addresses.Keys.Count(k => k.Project == project)));
        Assert.Equal(2, Read(s => s.ApiState<StorageState>().Buckets.Values.Count(b => b.ProjectId == project)));
    }

    [Fact]
    public void Thirty_percent_of_requests_failing_with_503_still_converge_to_one_of_each()
    {
        var project = NewProject("ps-unreliable");
        // Three in ten requests of every API fail, never two in a row: well within the pipeline's retries, and the
        // same every run. Creates that are sent once meet their 503 and must re-read before trying again.
        var pattern = new[] { 503, 200, 200, 503, 200, 200, 503, 200, 200, 200 };
        foreach (var api in new[] { "serviceusage", "compute", "servicenetworking", "storage", "iam", "cloudresourcemanager", "sql", "secretmanager" })
        {
            emulator.Host.State.Faults.Add(new Emulator.Infrastructure.FaultRule
            {
                Api = api,
                Script = Enumerable.Repeat(pattern, 10).SelectMany(p => p).ToList(),
            });
        }

        try
        {
            var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

            Assert.Empty(result.Errors);
            Assert.Single(result.Output);
        }
        finally
        {
            emulator.Host.State.Faults.Clear();
        }

        var failed = emulator.Host.Requests.Count(r => r.Status == 503);
        Assert.InRange(failed, 0.25 * emulator.Host.Requests.Count, 0.35 * emulator.Host.Requests.Count);
        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Networks.Keys.Count(k => k.Project == project)));
        Assert.Equal(1, Read(s => s.ApiState<ComputeState>().Addresses.Keys.Count(k => k.Project == project)));
        Assert.Equal(1, Read(s => s.ApiState<StorageState>().Buckets.Values.Count(b => b.ProjectId == project)));
        Assert.Equal(2, Read(s => s.ServiceAccounts.Count(a => a.Email.EndsWith($"@{project}.iam.gserviceaccount.com", StringComparison.Ordinal))));
    }
}
