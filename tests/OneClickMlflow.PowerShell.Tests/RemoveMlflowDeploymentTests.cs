using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Removal;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Remove-MlflowDeployment in an in-process PowerShell against the emulator; each test uses its own project.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class RemoveMlflowDeploymentTests
{
    private readonly EmulatorFixture emulator;

    public RemoveMlflowDeploymentTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string Deployed(string project)
    {
        emulator.Host.State.AddProject(project);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");
        Assert.Empty(result.Errors);
        emulator.Host.ClearRequests();
        return project;
    }

    private int MutatingRequestCount() => emulator.Host.Requests.Count(r => r.Mutating);

    private bool InstanceExists(string project) => Read(s =>
        s.ApiState<CloudSqlState>().Instances.ContainsKey((project, DeploymentNames.For(project).SqlInstanceName)));

    private bool BucketExists(string project) => Read(s =>
        s.ApiState<StorageState>().Buckets.ContainsKey(DeploymentNames.For(project).BucketName));

    private T Read<T>(System.Func<OneClickMlflow.Emulator.EmulatorState, T> read)
    {
        lock (emulator.Host.State.Gate)
        {
            return read(emulator.Host.State);
        }
    }

    [Fact]
    public void WhatIf_lists_the_deletions_and_makes_no_mutating_request()
    {
        var project = Deployed("ps-remove-what-if");
        var host = new AnsweringHost(answerYes: true);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(0, MutatingRequestCount());
        Assert.Empty(host.Prompts);
        var whatIf = string.Join("\n", host.Lines);
        Assert.Contains("Delete: ", whatIf);
        Assert.Contains($"Cloud SQL instance '{DeploymentNames.For(project).SqlInstanceName}'", whatIf);
        Assert.Contains("final backup kept 30 days", whatIf);
        Assert.Contains("Compute network 'mlflow-network'", whatIf);
        Assert.True(InstanceExists(project));
    }

    [Fact]
    public void A_deployment_piped_from_Get_MlflowDeployment_is_removed_with_Force_without_any_prompt()
    {
        var project = Deployed("ps-remove-pipeline");

        var result = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} | Remove-MlflowDeployment -Force");

        Assert.Empty(result.Errors);
        var report = Assert.IsType<MlflowDeploymentRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(project, report.ProjectId);
        Assert.True(report.ArtifactBucketKept);
        Assert.Equal(30, report.FinalBackup!.RetentionDays);
        Assert.False(InstanceExists(project));
        Assert.True(BucketExists(project));
        // Cloud SQL keeps the peering for days after its instance goes: kept with the reason, said as a warning.
        Assert.True(report.FinishLater);
        Assert.Contains(report.Kept, k => k.ResourceId == "network");
        Assert.Contains(result.Warnings, w => w.Contains("Run Remove-MlflowDeployment again in a few days"));

        Read(s =>
        {
            s.ApiState<CloudSqlState>().ProducerHolds.Clear();
            return 0;
        });
        var again = PowerShellRunner.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -Force");

        Assert.Empty(again.Errors);
        var finished = Assert.IsType<MlflowDeploymentRemoval>(Assert.Single(again.Output).BaseObject);
        Assert.True(finished.Complete);
        Assert.Contains(finished.Removed, r => r.ResourceId == "network");
    }

    [Fact]
    public void By_name_with_Force_and_a_backup_retention_the_final_backup_is_kept_that_long()
    {
        var project = Deployed("ps-remove-by-name");

        var result = PowerShellRunner.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -Force -FinalBackupRetentionDays 7");

        Assert.Empty(result.Errors);
        var report = Assert.IsType<MlflowDeploymentRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(7, report.FinalBackup!.RetentionDays);
        Assert.False(InstanceExists(project));
    }

    [Fact]
    public void Without_Force_a_host_that_declines_removes_nothing()
    {
        var project = Deployed("ps-remove-declined");
        var host = new AnsweringHost(answerYes: false);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.NotEmpty(host.Prompts);
        Assert.Equal(0, MutatingRequestCount());
        Assert.True(InstanceExists(project));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-DeleteData")]
    public void Without_Force_a_session_that_cannot_ask_stops_with_its_own_error_and_removes_nothing(string arguments)
    {
        var project = Deployed("ps-remove-no-prompt" + (arguments.Length == 0 ? "" : "-data"));

        // The default host of an in-process PowerShell has no user interface, as pwsh -NonInteractive cannot prompt.
        var result = PowerShellRunner.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow {arguments}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ConfirmationUnavailable,OneClickMlflow.PowerShell.Cmdlets.RemoveMlflowDeploymentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("Nothing was removed", error.ErrorDetails.Message);
        Assert.Contains("Pass -Force (or -Confirm:$false)", error.ErrorDetails.RecommendedAction);
        Assert.Equal(0, MutatingRequestCount());
        Assert.True(InstanceExists(project));
    }

    [Fact]
    public void DeleteData_declined_in_its_own_confirmation_keeps_the_data_and_removes_nothing()
    {
        var project = Deployed("ps-remove-keep-data");
        var names = DeploymentNames.For(project);
        var host = new AnsweringHost(answerYes: false);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -DeleteData");

        Assert.Empty(result.Errors);
        var question = Assert.Single(host.Prompts);
        Assert.Contains($"artifacts bucket '{names.BucketName}' is deleted with every object", question);
        Assert.Contains($"Cloud SQL instance '{names.SqlInstanceName}' is deleted without a final backup", question);
        Assert.Contains(host.Lines, l => l.StartsWith("WARNING: Nothing was removed", System.StringComparison.Ordinal));
        Assert.Equal(0, MutatingRequestCount());
        Assert.True(BucketExists(project));
        Assert.True(InstanceExists(project));
    }

    [Fact]
    public void Without_Force_a_removal_asks_once_after_a_summary_of_what_goes_and_what_stays()
    {
        var project = Deployed("ps-remove-ask-once");
        var names = DeploymentNames.For(project);
        var host = new AnsweringHost(answerYes: true);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow");

        Assert.Empty(result.Errors);
        var question = Assert.Single(host.Prompts);
        Assert.Matches(@"deletes \d+: ", question);
        Assert.Contains($"Cloud SQL instance '{names.SqlInstanceName}'", question);
        Assert.Contains($"Artifacts bucket '{names.BucketName}'", question);
        Assert.False(InstanceExists(project));
        Assert.True(BucketExists(project));
    }

    [Fact]
    public void Force_does_not_override_an_explicit_Confirm_which_asks_about_each_change()
    {
        var project = Deployed("ps-remove-force-confirm");
        var host = new AnsweringHost(answerYes: false);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -Force -Confirm");

        Assert.Empty(result.Errors);
        // The first question is about one change (the host's "No to All" answers the rest), not the summary -Force skips.
        Assert.Contains("Performing the operation \"Delete", host.Prompts[0]);
        Assert.DoesNotContain("Nothing else is touched", host.Prompts[0]);
        Assert.Equal(0, MutatingRequestCount());
        Assert.True(InstanceExists(project));
    }

    [Fact]
    public void The_DeleteData_question_defaults_to_No()
    {
        var project = Deployed("ps-remove-data-default");
        var host = new AnsweringHost(answerYes: false);

        host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -DeleteData");

        Assert.Equal("No", Assert.Single(host.Defaults));
        Assert.True(BucketExists(project));
    }

    [Fact]
    public void DeleteData_accepted_deletes_the_bucket_and_leaves_no_final_backup()
    {
        var project = Deployed("ps-remove-delete-data");
        var host = new AnsweringHost(answerYes: true);

        var result = host.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -DeleteData");

        Assert.Empty(result.Errors);
        var report = Assert.IsType<MlflowDeploymentRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.False(report.ArtifactBucketKept);
        Assert.Null(report.FinalBackup);
        Assert.False(BucketExists(project));
        Assert.False(InstanceExists(project));
    }

    [Fact]
    public void An_unknown_deployment_is_a_clear_not_found_error()
    {
        var project = Deployed("ps-remove-unknown");

        var result = PowerShellRunner.Run($"Remove-MlflowDeployment -ProjectId {project} -Name nosuch -Force");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.StartsWith("DeploymentNotFound", error.FullyQualifiedErrorId);
        Assert.Contains("No MLflow deployment named 'nosuch'", error.Exception.Message);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void PlanOnly_returns_the_removal_plan_dependents_first_and_changes_nothing()
    {
        var project = Deployed("ps-remove-plan-only");

        var result = PowerShellRunner.Run($"Remove-MlflowDeployment -ProjectId {project} -Name mlflow -PlanOnly");

        Assert.Empty(result.Errors);
        var changes = result.Output.Select(o => Assert.IsType<PlannedChange>(o.BaseObject)).Select(c => c.ResourceId).ToList();
        Assert.True(changes.IndexOf("sql-instance") < changes.IndexOf("private-services-access"));
        Assert.True(changes.IndexOf("private-services-access") < changes.IndexOf("peering-range"));
        Assert.True(changes.IndexOf("peering-range") < changes.IndexOf("network"));
        Assert.Equal(0, MutatingRequestCount());
    }
}
