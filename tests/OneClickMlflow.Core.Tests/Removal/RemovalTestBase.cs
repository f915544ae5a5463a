using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Removal;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Tests.Platform;

namespace OneClickMlflow.Tests.Removal;

/// <summary>Deploys with the engine, then removes through <see cref="DeploymentRemoval"/>, reading back what the emulator holds.</summary>
public abstract class RemovalTestBase : PlatformDeploymentTestBase
{
    protected const string ArtifactObject = "1/abc/artifacts/model.pkl";

    protected async Task<MlflowDeploymentRemoval> RemoveAsync(string? networkName = null, bool deleteData = false,
        Action<ResourceEvent>? onEvent = null, CancellationToken cancellationToken = default, string name = DeploymentNames.DefaultName)
    {
        using var session = await SessionAsync();
        var graph = DeploymentGraphBuilder.Build(
            MlflowDeploymentSpec.From(new DeploymentInput { ProjectId = Project, Region = Region, NetworkName = networkName, Name = name }), session);
        var engine = new DeploymentEngine(new DeploymentEngineOptions { OnEvent = onEvent });
        var removal = await DeploymentRemoval.PlanAsync(session, graph, engine, new RemovalOptions { DeleteData = deleteData }, cancellationToken);
        return await removal.ApplyAsync(removal.Plan.ApproveAll(), cancellationToken);
    }

    protected void PutArtifact(string bucketName)
    {
        lock (Host.State.Gate)
        {
            Host.State.ApiState<StorageState>().Buckets[bucketName].Objects[ArtifactObject] = new StorageObject
            {
                Name = ArtifactObject, Generation = 1700000000000001, Content = new byte[] { 1, 2, 3 },
                ContentType = "application/octet-stream", Created = DateTimeOffset.UtcNow,
            };
        }
    }

    protected string[] ObjectsIn(string bucketName) =>
        Read(s => s.ApiState<StorageState>().Buckets[bucketName].Objects.Keys.ToArray());

    protected SqlBackup[] FinalBackups() =>
        Read(s => s.ApiState<CloudSqlState>().Backups.Where(b => b.ProjectId == Project && b.Type == "FINAL").ToArray());

    protected bool SqlInstanceExists() => Read(s => s.ApiState<CloudSqlState>().Instances.ContainsKey((Project, Names.SqlInstanceName)));

    protected bool SecretExists() => Read(s => s.ApiState<SecretManagerState>().Secrets.ContainsKey((Project, Names.DatabasePasswordSecretName)));

    /// <summary>The days after an instance delete that Google keeps its producer resources on the peering, passed at once.</summary>
    protected void ReleaseProducerHolds() => Read(s =>
    {
        s.ApiState<CloudSqlState>().ProducerHolds.Clear();
        return true;
    });

    protected bool RepositoryExists() => Read(s => s.ApiState<ArtifactRegistryState>().Repositories.Keys
        .Any(k => k.Project == Project && k.Repository == Names.ArtifactRepositoryName));
}
