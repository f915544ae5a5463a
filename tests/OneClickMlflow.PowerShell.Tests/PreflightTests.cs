using System;
using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment.Preflight;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Before the first change, New-MlflowDeployment checks that the caller may make every change of the plan.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class PreflightTests
{
    private readonly EmulatorFixture emulator;

    public PreflightTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public void An_editor_who_may_not_set_IAM_policies_is_stopped_before_any_change_with_the_missing_permissions_and_a_role()
    {
        const string project = "ps-preflight-editor";
        emulator.Host.State.AddProject(project);
        emulator.Host.State.Grant(project, "roles/editor", emulator.Deployer);
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

        var error = Assert.Single(result.Errors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith("PreflightFailed,", StringComparison.Ordinal), error.FullyQualifiedErrorId + ": " + error.ErrorDetails?.Message);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        var failed = Assert.IsType<PreflightFailedException>(error.Exception);
        Assert.Contains("resourcemanager.projects.setIamPolicy", failed.MissingPermissions);
        Assert.DoesNotContain("compute.networks.create", failed.MissingPermissions);
        Assert.Contains("gcloud iam roles create", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        Assert.Single(emulator.Host.Requests, r => r.Path.EndsWith(":testIamPermissions", StringComparison.Ordinal));
    }

    [Fact]
    public void An_owner_passes_with_one_permission_check_before_the_first_change()
    {
        const string project = "ps-preflight-owner";
        emulator.Host.State.AddProject(project);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:alice@example.com");

        Assert.Empty(result.Errors);
        var requests = emulator.Host.Requests.ToList();
        var check = requests.FindIndex(r => r.Path.EndsWith(":testIamPermissions", StringComparison.Ordinal) && r.Path.Contains("/projects/" + project, StringComparison.Ordinal));
        Assert.True(check >= 0, "no testIamPermissions on the project");
        Assert.True(check < requests.FindIndex(r => r.Mutating), "the permission check comes after the first change");
    }
}
