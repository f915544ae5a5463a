using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Platform;

namespace OneClickMlflow.Tests.Database;

/// <summary>Deploys with database parameters of the test's choosing and reads the database layer back through the API.</summary>
public abstract class DatabaseDeploymentTestBase : PlatformDeploymentTestBase
{
    protected static DeploymentInput Input(string? version = null, string? tier = null, int? backupRetentionDays = null) => new()
    {
        ProjectId = Project,
        Region = Region,
        DatabaseVersion = version,
        DatabaseTier = tier,
        BackupRetentionDays = backupRetentionDays,
        Image = Server.TestImages.First,
    };

    protected async Task<DeploymentRunReport> DeployAsync(DeploymentInput input)
    {
        using var session = await SessionAsync();
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(GraphFor(session, input).Resources, CancellationToken.None);
        return await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);
    }

    protected async Task<DeploymentPlan> PlanAsync(DeploymentInput input)
    {
        using var session = await SessionAsync();
        return await new DeploymentEngine().PlanAsync(GraphFor(session, input).Resources, CancellationToken.None);
    }

    protected static MlflowDeploymentGraph GraphFor(GoogleCloudSession session, DeploymentInput input) =>
        DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(input), session);

    protected async Task<DatabaseInstance> ReadInstanceAsync()
    {
        using var session = await SessionAsync();
        return await session.CloudSql.GetInstanceAsync(Project, Names.SqlInstanceName, CancellationToken.None)
               ?? throw new InvalidOperationException("the instance does not exist");
    }

    /// <summary>The password as the server would read it: the secret's latest version, through the API.</summary>
    protected async Task<string> StoredPasswordAsync()
    {
        using var session = await SessionAsync();
        return await session.SecretManager.AccessVersionAsync(Project, Names.DatabasePasswordSecretName, CancellationToken.None);
    }

    protected bool UserPasswordIs(string password) =>
        Host.State.SqlUserPasswordMatches(Project, Names.SqlInstanceName, DeploymentNames.DatabaseUserName, password);

    protected void ChangeSecrets(Action<SecretManagerState> change)
    {
        lock (Host.State.Gate)
        {
            change(Host.State.ApiState<SecretManagerState>());
        }
    }
}
