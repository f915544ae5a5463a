using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Prerequisites;
using Xunit;

namespace OneClickMlflow.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class TestMlflowPrerequisiteTests
{
    private readonly EmulatorFixture emulator;

    public TestMlflowPrerequisiteTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public void Reports_enabled_and_missing_apis_and_missing_permissions_of_a_viewer()
    {
        const string project = "viewer-project";
        emulator.Host.State.AddProject(project, enabledServices: new[] { "storage.googleapis.com", "serviceusage.googleapis.com" });
        emulator.Host.State.Grant(project, "roles/viewer", emulator.Deployer);

        var result = PowerShellRunner.Run($"Test-MlflowPrerequisite -ProjectId {project}");

        Assert.Empty(result.Errors);
        var report = Assert.IsType<PrerequisiteReport>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(project, report.ProjectId);
        Assert.Contains("storage.googleapis.com", report.EnabledApis);
        Assert.Contains("sqladmin.googleapis.com", report.MissingApis);
        Assert.DoesNotContain("storage.googleapis.com", report.MissingApis);
        Assert.Contains(report.MissingPermissions, p => p.StartsWith("cloudsql.", System.StringComparison.Ordinal));
        Assert.False(report.Ready);
    }

    [Fact]
    public void Owner_holds_every_permission()
    {
        var result = PowerShellRunner.Run($"Test-MlflowPrerequisite -ProjectId {EmulatorFixture.OwnedProject}");

        Assert.Empty(result.Errors);
        var report = Assert.IsType<PrerequisiteReport>(Assert.Single(result.Output).BaseObject);
        Assert.Empty(report.MissingPermissions);
        Assert.NotEmpty(report.GrantedPermissions);
        Assert.Contains("deployer@", report.Account);
    }

    [Fact]
    public void Shows_progress_and_completes_it()
    {
        var result = PowerShellRunner.Run($"Test-MlflowPrerequisite -ProjectId {EmulatorFixture.OwnedProject}");

        Assert.Contains(result.Progress, p => p.StatusDescription.Contains(EmulatorFixture.OwnedProject));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void Without_a_configured_project_the_error_says_how_to_set_one()
    {
        var project = Environment.GetEnvironmentVariable("CLOUDSDK_CORE_PROJECT");
        var config = Environment.GetEnvironmentVariable("CLOUDSDK_CONFIG");
        Environment.SetEnvironmentVariable("CLOUDSDK_CORE_PROJECT", null);
        Environment.SetEnvironmentVariable("CLOUDSDK_CONFIG", Path.Combine(Path.GetTempPath(), "oneclickmlflow-no-gcloud-config"));
        try
        {
            var result = PowerShellRunner.Run("Test-MlflowPrerequisite");

            var error = Assert.Single(result.Errors);
            Assert.StartsWith("ProjectNotConfigured,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("-ProjectId", error.ErrorDetails.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLOUDSDK_CORE_PROJECT", project);
            Environment.SetEnvironmentVariable("CLOUDSDK_CONFIG", config);
        }
    }

    [Fact]
    public void Project_defaults_to_CLOUDSDK_CORE_PROJECT()
    {
        var result = PowerShellRunner.Run("(Test-MlflowPrerequisite).ProjectId");

        Assert.Empty(result.Errors);
        Assert.Equal(EmulatorFixture.OwnedProject, Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void Quiet_returns_only_a_boolean()
    {
        var result = PowerShellRunner.Run($"Test-MlflowPrerequisite -ProjectId {EmulatorFixture.OwnedProject} -Quiet");

        Assert.Empty(result.Errors);
        Assert.IsType<bool>(Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void A_missing_project_is_a_permission_error_naming_the_project()
    {
        var result = PowerShellRunner.Run("Test-MlflowPrerequisite -ProjectId no-such-project-42 -ErrorAction Continue");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.StartsWith("GooglePermissionDenied,", error.FullyQualifiedErrorId);
        Assert.Contains("no-such-project-42", error.ErrorDetails.Message);
        Assert.Contains("PERMISSION_DENIED", error.ErrorDetails.Message);
        Assert.DoesNotContain("   at ", error.ErrorDetails.Message);
    }

    [Fact]
    public void An_invalid_project_id_is_rejected_before_any_request()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run("Test-MlflowPrerequisite -ProjectId 'Not_A_Project'");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("InvalidDeploymentInput,", error.FullyQualifiedErrorId);
        Assert.Contains("-ProjectId: 'Not_A_Project' is not a project id", error.ErrorDetails.Message);
        Assert.Empty(emulator.Host.Requests);
    }
}
