using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Lease;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>One run at a time per deployment, as the cmdlets show it: a busy deployment, New racing Remove.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class DeploymentLeaseCmdletTests
{
    private readonly EmulatorFixture emulator;

    public DeploymentLeaseCmdletTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();
        return id;
    }

    private T Read<T>(Func<Emulator.EmulatorState, T> read)
    {
        lock (emulator.Host.State.Gate)
        {
            return read(emulator.Host.State);
        }
    }

    private RunLeaseRecord? StoredLease(string project) => Read(s =>
    {
        var bucket = s.ApiState<StorageState>().Buckets.GetValueOrDefault(DeploymentNames.For(project).BucketName);
        var item = bucket?.Objects.GetValueOrDefault(DeploymentRunLease.ObjectName);
        return item == null ? null : JsonSerializer.Deserialize<RunLeaseRecord>(Encoding.UTF8.GetString(item.Content),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
    });

    private string Deploy(string project, string users = "user:alice@example.com") =>
        $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser {users}";

    [Fact]
    public void A_run_while_another_holds_the_deployment_fails_at_once_naming_it_and_changes_nothing()
    {
        var project = NewProject("ps-lease-busy");
        Assert.Empty(PowerShellRunner.Run(Deploy(project)).Errors);
        var names = DeploymentNames.For(project);
        var holder = RunLeaseRecord.ForThisProcess(LeasedRun.RemoveOperation, "bob@example.com");
        holder.AcquiredAt = DateTimeOffset.UtcNow;
        holder.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10);
        lock (emulator.Host.State.Gate)
        {
            var storage = emulator.Host.State.ApiState<StorageState>();
            storage.Buckets[names.BucketName].Objects[DeploymentRunLease.ObjectName] = new StorageObject
            {
                Name = DeploymentRunLease.ObjectName,
                Generation = storage.NewGeneration(),
                Content = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(holder, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })),
                ContentType = "application/json",
                Created = DateTimeOffset.UtcNow,
            };
        }
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run(Deploy(project, "user:alice@example.com,user:carol@example.com"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("DeploymentBusy,OneClickMlflow.PowerShell.Cmdlets.NewMlflowDeploymentCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Remove-MlflowDeployment by bob@example.com", error.ErrorDetails.Message);
        Assert.Contains("gcloud storage rm gs://", error.ErrorDetails.RecommendedAction);
        Assert.Equal(0, emulator.Host.Requests.Count(r => r.Mutating));
    }

    [Fact]
    public void A_new_deployment_started_while_its_removal_runs_waits_and_makes_nothing_behind_the_completed_removal()
    {
        var project = NewProject("ps-lease-race");
        Assert.Empty(PowerShellRunner.Run(Deploy(project)).Errors);
        var names = DeploymentNames.For(project);
        emulator.Host.State.Latency.Set("realistic", 0.02);
        try
        {
            using var removing = PowerShellRunner.Create();
            removing.AddScript($"Remove-MlflowDeployment mlflow -ProjectId {project} -Force");
            var removal = removing.BeginInvoke();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (StoredLease(project)?.Operation != LeasedRun.RemoveOperation && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            Assert.Equal(LeasedRun.RemoveOperation, StoredLease(project)?.Operation);

            var created = PowerShellRunner.Run(Deploy(project) + " -LockTimeout 300");
            removing.EndInvoke(removal);

            Assert.Empty(removing.Streams.Error);
            var error = Assert.Single(created.Errors);
            Assert.StartsWith("DeploymentRemovedWhileWaiting,", error.FullyQualifiedErrorId);
            Assert.False(Read(s => s.ApiState<CloudSqlState>().Instances.ContainsKey((project, names.SqlInstanceName))),
                "the database was made again behind the removal");
            Assert.Null(Read(s => s.FindServiceAccount(names.ServerServiceAccountEmail)));
        }
        finally
        {
            emulator.Host.State.Latency.Set("zero", 1);
        }
    }

    [Fact]
    public void A_removal_started_while_a_deployment_runs_waits_for_it_then_removes_what_it_made()
    {
        var project = NewProject("ps-lease-remove-waits");
        var names = DeploymentNames.For(project);
        emulator.Host.State.Latency.Set("realistic", 0.02);
        try
        {
            using var deploying = PowerShellRunner.Create();
            deploying.AddScript(Deploy(project));
            var deployment = deploying.BeginInvoke();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (StoredLease(project)?.Operation != LeasedRun.NewOperation && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            Assert.Equal(LeasedRun.NewOperation, StoredLease(project)?.Operation);

            var removed = PowerShellRunner.Run($"Remove-MlflowDeployment mlflow -ProjectId {project} -Force -LockTimeout 300");
            deploying.EndInvoke(deployment);

            Assert.Empty(deploying.Streams.Error);
            Assert.Empty(removed.Errors);
            Assert.False(Read(s => s.ApiState<CloudSqlState>().Instances.ContainsKey((project, names.SqlInstanceName))));
            Assert.Equal(LeasedRun.RemoveOperation, StoredLease(project)?.Operation);
            Assert.True(StoredLease(project)?.Completed);
        }
        finally
        {
            emulator.Host.State.Latency.Set("zero", 1);
        }
    }
}
