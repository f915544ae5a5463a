using System;
using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The database parameters and outputs of New-MlflowDeployment, in-process against the emulator.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentDatabaseTests
{
    private readonly EmulatorFixture emulator;

    public NewMlflowDeploymentDatabaseTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();
        return id;
    }

    [Fact]
    public void The_deployment_reports_the_instance_its_private_ip_and_the_secret_by_name_only()
    {
        var project = NewProject("ps-database");

        var result = PowerShellRunner.Run(
            $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -DatabaseTier db-n1-standard-1 -BackupRetentionDays 14");

        Assert.Empty(result.Errors);
        var deployment = (MlflowDeployment)Assert.Single(result.Output).BaseObject;
        Assert.Equal("mlflow-db", deployment.DatabaseInstance);
        Assert.Equal($"{project}:europe-west1:mlflow-db", deployment.DatabaseConnectionName);
        Assert.Equal("MYSQL_8_4", deployment.DatabaseVersion);
        Assert.Equal($"projects/{project}/secrets/mlflow-db-password", deployment.DatabasePasswordSecret);
        string privateIp;
        lock (emulator.Host.State.Gate)
        {
            var instance = emulator.Host.State.ApiState<CloudSqlState>().Instances[(project, "mlflow-db")];
            privateIp = instance.PrivateIp!;
            Assert.Equal("db-n1-standard-1", instance.Settings["tier"]!.GetValue<string>());
            Assert.Equal(14, instance.Settings["backupConfiguration"]!["backupRetentionSettings"]!["retainedBackups"]!.GetValue<int>());
        }
        Assert.Equal(privateIp, deployment.DatabasePrivateIp);
    }

    [Theory]
    [InlineData("-DatabaseVersion MYSQL_5_7", "DatabaseVersion")]
    [InlineData("-DatabaseTier db-perf-optimized-N-2", "DatabaseTier")]
    [InlineData("-BackupRetentionDays 0", "BackupRetentionDays")]
    public void A_bad_database_parameter_fails_before_any_request(string arguments, string parameter)
    {
        var project = NewProject("ps-bad-db-" + parameter.ToLowerInvariant());

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 {arguments}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidDeploymentInput,OneClickMlflow.PowerShell.Cmdlets.NewMlflowDeploymentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-" + parameter, error.ToString());
        Assert.Empty(emulator.Host.Requests);
    }

    [Fact]
    public void DatabaseVersion_completes_from_the_versions_cloud_sql_creates()
    {
        var result = PowerShellRunner.Run("""
            $line = 'New-MlflowDeployment -Region europe-west1 -DatabaseVersion MYSQL_8'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "MYSQL_8_0", "MYSQL_8_4" }, result.Output.Select(o => o.ToString()));
    }
}
