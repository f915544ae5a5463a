using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Platform;

/// <summary>Someone else changes the project between the plan and the apply: the apply reads again and adapts.</summary>
public sealed class ConcurrentChangeTests : PlatformDeploymentTestBase
{
    [Fact]
    public async Task Resources_made_by_someone_else_after_the_plan_are_adopted_not_created_twice()
    {
        EnableServices(OneClickMlflow.Prerequisites.PrerequisiteChecker.RequiredApis.ToArray());
        using var session = await SessionAsync();
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(Graph(session).Resources, CancellationToken.None);
        Assert.Equal(ChangeAction.Create, plan.Changes.Single(c => c.ResourceId == "network").Action);
        Assert.Equal(ChangeAction.Create, plan.Changes.Single(c => c.ResourceId == "bucket").Action);

        await session.Compute.InsertNetworkAsync(Project, new ComputeNetwork { Name = Names.NetworkName, AutoCreateSubnetworks = true },
            ComputeClient.NewRequestId(), null, CancellationToken.None);
        await session.Storage.InsertBucketAsync(Project, new StorageBucket { Name = Names.BucketName, Location = Region }, CancellationToken.None);
        Host.ClearRequests();

        var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

        Assert.Empty(report.Failed);
        Assert.DoesNotContain(Host.Requests, r => r.Method == "POST" && r.Path.EndsWith("/global/networks"));
        Assert.DoesNotContain(Host.Requests, r => r.Method == "POST" && r.Path.EndsWith("/b"));
        Assert.Single(Networks());
        Assert.Single(Buckets());
        // The adopted bucket had none of the wanted settings: they were put on it.
        var bucket = await session.Storage.GetBucketAsync(Names.BucketName, CancellationToken.None);
        Assert.Equal("enforced", bucket!.IamConfiguration!.PublicAccessPrevention);
        Assert.True(bucket.Versioning!.Enabled);
    }

    [Fact]
    public async Task A_stale_bucket_policy_etag_restarts_the_read_modify_write()
    {
        await AddFaultAsync("""{"api":"storage","method":"PUT","pathContains":"/iam","script":[412]}""");

        var report = await DeployAsync();

        Assert.Empty(report.Failed);
        Assert.Equal(2, Host.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/iam")));
        using var session = await SessionAsync();
        var policy = await session.Storage.GetIamPolicyAsync(Names.BucketName, CancellationToken.None);
        Assert.True(policy.HasMember("roles/storage.objectUser", "serviceAccount:" + Names.ServerServiceAccountEmail));
    }
}
