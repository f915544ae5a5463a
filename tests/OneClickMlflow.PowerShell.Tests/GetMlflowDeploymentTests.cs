using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Get-MlflowDeployment in an in-process PowerShell against the emulator; each test uses its own project.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class GetMlflowDeploymentTests
{
    private readonly EmulatorFixture emulator;

    public GetMlflowDeploymentTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        return id;
    }

    private MlflowDeployment Deploy(string project, string name, string region)
    {
        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Name {name} -Region {region}");
        Assert.Empty(result.Errors);
        return (MlflowDeployment)result.Output.Single().BaseObject;
    }

    private static MlflowDeployment[] Deployments(PowerShellResult result) =>
        result.Output.Select(o => Assert.IsType<MlflowDeployment>(o.BaseObject)).ToArray();

    /// <summary>The deployment's bucket settings under the emulator's lock: changed as Google would behind its back, or read.</summary>
    private void WithBucket(string project, Action<JsonObject> change)
    {
        lock (emulator.Host.State.Gate)
        {
            change(emulator.Host.State.ApiState<StorageState>().Buckets[DeploymentNames.For(project).BucketName].Settings);
        }
    }

    private int MutatingRequestCount() => emulator.Host.Requests.Count(r => r.Mutating);

    [Fact]
    public void Returns_a_fresh_deployment_in_sync_with_its_live_state_and_makes_no_mutating_request()
    {
        var project = NewProject("ps-get-in-sync");
        var deployed = Deploy(project, "mlflow", "europe-west1");
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}");

        Assert.Empty(result.Errors);
        var found = Assert.Single(Deployments(result));
        Assert.True(found.InSync, string.Join("; ", found.Drift));
        Assert.Equal("mlflow", found.Name);
        Assert.Equal(project, found.ProjectId);
        Assert.Equal("europe-west1", found.Region);
        Assert.Equal(deployed.ArtifactDestination, found.ArtifactDestination);
        Assert.Equal(deployed.Network, found.Network);
        Assert.Equal(deployed.ImageRepository, found.ImageRepository);
        Assert.Equal(deployed.DatabaseConnectionName, found.DatabaseConnectionName);
        Assert.Equal(deployed.DatabaseVersion, found.DatabaseVersion);
        Assert.NotEqual("", found.DatabasePrivateIp);
        Assert.Equal(deployed.DatabasePrivateIp, found.DatabasePrivateIp);
        Assert.Equal(deployed.DatabasePasswordSecret, found.DatabasePasswordSecret);
        Assert.NotEmpty(emulator.Host.Requests);
        Assert.Equal(0, MutatingRequestCount());
    }

    [Fact]
    public void Reports_drift_and_piping_into_New_MlflowDeployment_converges_it()
    {
        var project = NewProject("ps-get-drift");
        Deploy(project, "mlflow", "us-central1");
        WithBucket(project, settings => ((JsonObject)settings["iamConfiguration"]!)["publicAccessPrevention"] = "inherited");
        emulator.Host.ClearRequests();

        var drifted = Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}")));

        Assert.False(drifted.InSync);
        var change = Assert.Single(drifted.Drift);
        Assert.Equal("bucket", change.ResourceId);
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains("publicAccessPrevention is inherited, want enforced", change.Reason);
        Assert.Equal(0, MutatingRequestCount());

        var converged = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} | New-MlflowDeployment");

        Assert.Empty(converged.Errors);
        Assert.Equal(1, ((MlflowDeployment)converged.Output.Single().BaseObject).ChangeCount);
        Assert.True(Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}"))).InSync);
    }

    [Fact]
    public void Reports_bucket_versioning_turned_off_as_drift_and_a_rerun_turns_it_on_again()
    {
        var project = NewProject("ps-get-versioning");
        Deploy(project, "mlflow", "europe-west1");
        WithBucket(project, settings => settings["versioning"] = new JsonObject { ["enabled"] = false });
        emulator.Host.ClearRequests();

        var drifted = Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}")));
        Assert.Equal(0, MutatingRequestCount());
        var rerun = Deploy(project, "mlflow", "europe-west1");
        var converged = Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}")));

        Assert.False(drifted.InSync);
        var change = Assert.Single(drifted.Drift);
        Assert.Equal("bucket", change.ResourceId);
        Assert.Contains("versioning is false, want true", change.Reason);
        Assert.Equal(1, rerun.ChangeCount);
        Assert.True(converged.InSync, string.Join("; ", converged.Drift));
        WithBucket(project, settings => Assert.True(settings["versioning"]!["enabled"]!.GetValue<bool>()));
    }

    [Fact]
    public void Reports_drift_in_the_apps_oauth_client_and_New_MlflowDeployment_puts_it_back()
    {
        var project = NewProject("ps-get-oauth-drift");
        Deploy(project, "mlflow", "europe-west1");
        lock (emulator.Host.State.Gate)
        {
            emulator.Host.State.ApiState<AppEngineState>().Apps[project].OAuthClientId = "999-other.apps.googleusercontent.com";
        }
        emulator.Host.ClearRequests();

        var drifted = Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}")));
        Assert.Equal(0, MutatingRequestCount());
        Deploy(project, "mlflow", "europe-west1");
        var converged = Assert.Single(Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}")));

        Assert.Equal("999-other.apps.googleusercontent.com", drifted.OAuthClient);
        var change = Assert.Single(drifted.Drift);
        Assert.Equal("iap", change.ResourceId);
        Assert.Contains("want Google's managed OAuth client", change.Reason);
        Assert.True(converged.InSync, string.Join("; ", converged.Drift));
        Assert.Equal("Google-managed", converged.OAuthClient);
    }

    [Fact]
    public void Name_picks_deployments_by_wildcard_and_a_missing_exact_name_is_an_ObjectNotFound_error()
    {
        var project = NewProject("ps-get-names");
        Deploy(project, "alpha", "europe-west1");
        // One App Engine application per project: a second deployment shares its region.
        Deploy(project, "beta", "europe-west1");

        var all = Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}"));
        var wildcard = Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name b*"));
        var exact = Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name alpha"));
        var noPatternMatch = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name gamma*");
        var missing = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name gamma");

        Assert.Equal(new[] { ("alpha", "europe-west1"), ("beta", "europe-west1") }, all.Select(d => (d.Name, d.Region)));
        Assert.Equal(new[] { "beta" }, wildcard.Select(d => d.Name));
        Assert.Equal(new[] { "alpha" }, exact.Select(d => d.Name));
        Assert.Empty(noPatternMatch.Output);
        Assert.Empty(noPatternMatch.Errors);
        Assert.Empty(missing.Output);
        var error = Assert.Single(missing.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.StartsWith("DeploymentNotFound", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_without_deployments_returns_nothing()
    {
        var project = NewProject("ps-get-empty");

        var result = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_deployment_on_an_existing_network_is_in_sync_and_piping_it_back_makes_no_second_network()
    {
        var project = NewProject("ps-get-shared-net");
        Deploy(project, "first", "europe-west1");
        var second = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -Name second -NetworkName first-network");
        Assert.Empty(second.Errors);
        emulator.Host.ClearRequests();

        var found = Deployments(PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name second")).Single();
        var converge = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project} -Name second | New-MlflowDeployment");

        Assert.True(found.InSync, string.Join("; ", found.Drift));
        Assert.Equal($"projects/{project}/global/networks/first-network", found.NetworkName);
        Assert.Equal("first-network", found.Network);
        Assert.Empty(converge.Errors);
        Assert.Equal(0, MutatingRequestCount());
        Assert.False(emulator.Host.State.ApiState<ComputeState>().Networks.ContainsKey((project, "second-network")));
    }
}
