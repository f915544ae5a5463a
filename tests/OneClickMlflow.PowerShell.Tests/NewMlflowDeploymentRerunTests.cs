using System;
using System.Linq;
using System.Text.Json.Nodes;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>A re-run of New-MlflowDeployment takes nothing away that it was not asked to: a parameter left out keeps what exists.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentRerunTests
{
    private const string Alice = "user:alice@example.com";
    private readonly EmulatorFixture emulator;

    public NewMlflowDeploymentRerunTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string DeployedProject(string id, string extra = "")
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        var first = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {id} -Region europe-west1 -WebAppUser {Alice} {extra}");
        Assert.Empty(first.Errors);
        emulator.Host.ClearRequests();
        return id;
    }

    private int MutatingRequestCount() => emulator.Host.Requests.Count(r => r.Mutating);

    private AppEngineService DefaultService(string project)
    {
        lock (emulator.Host.State.Gate)
        {
            return emulator.Host.State.ApiState<AppEngineState>().Apps[project].Services["default"];
        }
    }

    private string[] IapMembers(string project)
    {
        lock (emulator.Host.State.Gate)
        {
            return DefaultService(project).IapPolicy.Bindings.Where(b => b.Role == "roles/iap.httpsResourceAccessor")
                .SelectMany(b => b.Members).OrderBy(m => m, StringComparer.Ordinal).ToArray();
        }
    }

    private (JsonNode? Resources, JsonNode? Scaling, string Id) Serving(string project)
    {
        lock (emulator.Host.State.Gate)
        {
            var version = DefaultService(project).ServingVersion!;
            return (version.Body["resources"]?.DeepClone(), version.Body["automaticScaling"]?.DeepClone(), version.Id);
        }
    }

    [Fact]
    public void A_rerun_with_only_the_project_and_region_keeps_users_image_machine_and_keyless_logging()
    {
        var project = DeployedProject("ps-rerun-keeps", "-Cpu 2 -MemoryGb 4 -MinInstances 2 -MaxInstances 3 -NoKeylessLogging");
        var before = Serving(project);

        // No -Image: the module would build its own image, and no Docker engine is reachable here.
        var rerun = PowerShellRunner.Run($"$env:DOCKER_HOST = 'tcp://127.0.0.1:9'; New-MlflowDeployment -ProjectId {project} -Region europe-west1");

        Assert.Empty(rerun.Errors);
        var deployment = Assert.IsType<MlflowDeployment>(Assert.Single(rerun.Output).BaseObject);
        Assert.Equal(0, deployment.ChangeCount);
        Assert.Equal(0, MutatingRequestCount());
        Assert.Equal(new[] { Alice }, deployment.WebAppUser);
        Assert.Equal(TestImage.Reference, deployment.Image);
        Assert.False(deployment.KeylessLogging);
        Assert.Contains(Alice, IapMembers(project));
        var after = Serving(project);
        Assert.Equal(before.Id, after.Id);
    }

    [Fact]
    public void A_new_cpu_and_memory_keep_the_serving_scaling_and_image()
    {
        var project = DeployedProject("ps-rerun-machine", "-MinInstances 2 -MaxInstances 3");

        var rerun = PowerShellRunner.Run($"$env:DOCKER_HOST = 'tcp://127.0.0.1:9'; New-MlflowDeployment -ProjectId {project} -Region europe-west1 -Cpu 2 -MemoryGb 4");

        Assert.Empty(rerun.Errors);
        var serving = Serving(project);
        Assert.Equal(2, serving.Resources!["cpu"]!.GetValue<double>());
        Assert.Equal(4, serving.Resources!["memoryGb"]!.GetValue<double>());
        Assert.Equal(2, serving.Scaling!["minTotalInstances"]!.GetValue<int>());
        Assert.Equal(3, serving.Scaling!["maxTotalInstances"]!.GetValue<int>());
        Assert.Equal(TestImage.Reference, ((MlflowDeployment)rerun.Output.Single().BaseObject).Image);
    }

    [Fact]
    public void Memory_that_does_not_fit_the_serving_cpus_is_refused_naming_the_parameter_before_any_change()
    {
        var project = DeployedProject("ps-rerun-fit");

        var rerun = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -MemoryGb 12");

        var error = Assert.Single(rerun.Errors);
        Assert.StartsWith("InvalidDeploymentInput", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("serving version", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void An_emptied_user_list_is_a_high_impact_change_that_a_session_that_cannot_ask_refuses()
    {
        var project = DeployedProject("ps-rerun-revoke");

        var refused = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser @()");

        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("ConfirmationUnavailable", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(Alice, IapMembers(project));
        Assert.Equal(0, MutatingRequestCount());

        var revoked = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser @() -Confirm:$false");

        Assert.Empty(revoked.Errors);
        Assert.DoesNotContain(Alice, IapMembers(project));
        Assert.Empty(((MlflowDeployment)revoked.Output.Single().BaseObject).WebAppUser);
    }

    [Fact]
    public void A_deployment_piped_from_Get_repairs_drift_without_restating_anything()
    {
        var project = DeployedProject("ps-rerun-pipe");
        var pusher = "serviceAccount:" + DeploymentNames.For(project).LogPusherServiceAccountEmail;
        lock (emulator.Host.State.Gate)
        {
            DefaultService(project).IapPolicy.RemoveMember("roles/iap.httpsResourceAccessor", pusher);
        }

        var repaired = PowerShellRunner.Run($"$env:DOCKER_HOST = 'tcp://127.0.0.1:9'; Get-MlflowDeployment -ProjectId {project} | New-MlflowDeployment");

        Assert.Empty(repaired.Errors);
        var deployment = Assert.IsType<MlflowDeployment>(Assert.Single(repaired.Output).BaseObject);
        Assert.Equal(1, deployment.ChangeCount);
        Assert.Equal(new[] { Alice, pusher }.OrderBy(m => m, StringComparer.Ordinal), IapMembers(project));
        Assert.Equal(TestImage.Reference, deployment.Image);
    }
}
