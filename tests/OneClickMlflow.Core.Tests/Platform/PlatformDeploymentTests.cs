using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Platform;

public sealed class PlatformDeploymentTests : PlatformDeploymentTestBase
{
    [Fact]
    public async Task First_run_creates_every_resource_and_a_second_run_sends_no_mutating_request()
    {
        var first = await DeployAsync();

        Assert.Empty(first.Failed);
        Assert.Equal(new[] { Names.NetworkName }, Networks());
        Assert.Equal(new[] { Names.PeeringRangeName }, PeeringRanges());
        Assert.Equal(new[] { Names.PeeringRangeName }, ConnectionRanges(Names.NetworkName));
        Assert.Equal(new[] { Names.BucketName }, Buckets());
        Assert.Equal(new[] { Names.LogPusherServiceAccountEmail, Names.ServerServiceAccountEmail }.OrderBy(e => e), ServiceAccountEmails());

        Host.ClearRequests();
        var second = await DeployAsync();

        Assert.All(second.Resources, r => Assert.Equal(ResourceOutcome.Unchanged, r.Outcome));
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task The_bucket_is_private_versioned_labelled_and_in_the_region()
    {
        await DeployAsync();

        var bucket = Read(s => s.ApiState<StorageState>().Buckets[Names.BucketName]);
        Assert.Equal("EUROPE-WEST1", bucket.Location);
        Assert.Equal("enforced", bucket.Settings["iamConfiguration"]!["publicAccessPrevention"]!.GetValue<string>());
        Assert.True(bucket.Settings["iamConfiguration"]!["uniformBucketLevelAccess"]!["enabled"]!.GetValue<bool>());
        Assert.True(bucket.Settings["versioning"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("mlflow", bucket.Settings["labels"]!["oneclick-mlflow"]!.GetValue<string>());
        // Versioning keeps what is overwritten or deleted, for 30 days: then the noncurrent versions go.
        var rule = Assert.Single(bucket.Settings["lifecycle"]!["rule"]!.AsArray())!;
        Assert.Equal("Delete", rule["action"]!["type"]!.GetValue<string>());
        Assert.Equal(30, rule["condition"]!["daysSinceNoncurrentTime"]!.GetValue<int>());
        Assert.Single(rule["condition"]!.AsObject());
    }

    [Fact]
    public async Task NoncurrentVersionDays_changes_the_rule_in_place_and_keeps_the_buckets_other_rules()
    {
        await DeployAsync();
        Edit(s => s.ApiState<StorageState>().Buckets[Names.BucketName].Settings["lifecycle"]!["rule"]!.AsArray().Add(JsonNode.Parse(
            """{"action": {"type": "SetStorageClass", "storageClass": "NEARLINE"}, "condition": {"age": 90}}""")));
        using var session = await SessionAsync();
        var spec = MlflowDeploymentSpec.From(new DeploymentInput
        {
            ProjectId = Project, Region = Region, Image = Server.TestImages.First, NoncurrentVersionDays = 7,
        });
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(DeploymentGraphBuilder.Build(spec, session).Resources, CancellationToken.None);
        Assert.Contains("lifecycle.noncurrentVersionDays is 30, want 7", plan.Changes.Single(c => c.ResourceId == "bucket").Reason);
        await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

        var rules = Read(s => s.ApiState<StorageState>().Buckets[Names.BucketName].Settings["lifecycle"]!["rule"]!.AsArray().ToList());
        Assert.Equal(2, rules.Count);
        Assert.Contains(rules, r => r!["condition"]!["daysSinceNoncurrentTime"]?.GetValue<int>() == 7);
        Assert.Contains(rules, r => r!["action"]!["type"]!.GetValue<string>() == "SetStorageClass");
        // Left out, the rule the bucket has is kept.
        Host.ClearRequests();
        await DeployAsync();
        Assert.DoesNotContain(MutatingRequests(), r => r.Api == "storage");
    }

    [Fact]
    public async Task Only_the_server_account_may_use_the_bucket_with_object_user_and_nothing_on_the_project()
    {
        await DeployAsync();

        using var session = await SessionAsync();
        var bucketPolicy = await session.Storage.GetIamPolicyAsync(Names.BucketName, CancellationToken.None);
        var projectPolicy = await session.ResourceManager.GetIamPolicyAsync(Project, CancellationToken.None);
        var principals = bucketPolicy.Bindings.SelectMany(b => b.Members.Select(m => (b.Role, Member: m)))
            .Where(g => !g.Member.StartsWith("project", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { ("roles/storage.objectUser", "serviceAccount:" + Names.ServerServiceAccountEmail) }, principals);
        foreach (var email in new[] { Names.LogPusherServiceAccountEmail, Names.ServerServiceAccountEmail })
        {
            Assert.DoesNotContain(projectPolicy.Bindings, b => b.Role.StartsWith("roles/storage.", StringComparison.Ordinal)
                                                               && b.Members.Contains("serviceAccount:" + email));
        }
    }

    [Fact]
    public async Task An_extra_grant_on_the_bucket_is_drift_and_a_rerun_takes_it_off()
    {
        await DeployAsync();
        using var session = await SessionAsync();
        await session.Storage.PolicyEditor(Names.BucketName).EditAsync(
            p => p.AddMember("roles/storage.objectAdmin", "serviceAccount:" + Names.LogPusherServiceAccountEmail), CancellationToken.None);

        var plan = await PlanAsync();
        var change = plan.Changes.Single(c => c.ResourceId == "bucket-iam");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains($"extra grant: roles/storage.objectAdmin for serviceAccount:{Names.LogPusherServiceAccountEmail}", change.Reason);
        await DeployAsync();

        var policy = await session.Storage.GetIamPolicyAsync(Names.BucketName, CancellationToken.None);
        Assert.DoesNotContain(policy.Bindings, b => b.Members.Contains("serviceAccount:" + Names.LogPusherServiceAccountEmail));
        Assert.True(policy.HasMember("roles/storage.objectUser", "serviceAccount:" + Names.ServerServiceAccountEmail));
        Assert.Contains(policy.Bindings, b => b.Members.Any(m => m.StartsWith("projectOwner:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Compute_inserts_carry_a_request_id_and_the_range_is_labelled_with_setLabels_after_its_insert()
    {
        await DeployAsync();

        var inserts = Host.Requests.Where(r => r.Api == "compute" && r.Method == "POST" && !r.Path.EndsWith("/setLabels", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, inserts.Count);
        Assert.All(inserts, r => Assert.Contains("requestId=", r.Query));
        var setLabels = Assert.Single(Host.Requests, r => r.Path.EndsWith($"/global/addresses/{Names.PeeringRangeName}/setLabels", StringComparison.Ordinal));
        Assert.True(setLabels.Time > inserts.Last().Time);
        var range = Read(s => s.ApiState<ComputeState>().Addresses[(Project, Names.PeeringRangeName)]);
        Assert.Equal(16, range.PrefixLength);
        Assert.Equal("mlflow", range.Labels["oneclick-mlflow"]);
    }

    [Fact]
    public async Task A_range_that_lost_its_label_is_labelled_again_without_being_replaced()
    {
        await DeployAsync();
        var id = Read(s =>
        {
            var range = s.ApiState<ComputeState>().Addresses[(Project, Names.PeeringRangeName)];
            range.Labels = new System.Collections.Generic.SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "data" };
            return range.Id;
        });

        var plan = await PlanAsync();
        Assert.Equal(ChangeAction.Update, plan.Changes.Single(c => c.ResourceId == "peering-range").Action);
        await DeployAsync();

        var after = Read(s => s.ApiState<ComputeState>().Addresses[(Project, Names.PeeringRangeName)]);
        Assert.Equal(id, after.Id);
        Assert.Equal("mlflow", after.Labels["oneclick-mlflow"]);
        Assert.Equal("data", after.Labels["team"]);
    }

    [Fact]
    public async Task Public_access_prevention_turned_off_behind_its_back_is_planned_as_an_update_and_put_back()
    {
        await DeployAsync();
        using (var session = await SessionAsync())
        {
            await session.Storage.PatchBucketAsync(Names.BucketName,
                new OneClickMlflow.Google.StorageBucket { IamConfiguration = new BucketIamConfiguration { PublicAccessPrevention = "inherited" } }, CancellationToken.None);
        }

        var plan = await PlanAsync();
        var bucketChange = plan.Changes.Single(c => c.ResourceId == "bucket");
        Assert.Equal(ChangeAction.Update, bucketChange.Action);
        Assert.Contains("publicAccessPrevention is inherited, want enforced", bucketChange.Reason);
        Assert.Equal(1, plan.Changes.Count(c => c.Action != ChangeAction.None));

        await DeployAsync();
        var bucket = Read(s => s.ApiState<StorageState>().Buckets[Names.BucketName]);
        Assert.Equal("enforced", bucket.Settings["iamConfiguration"]!["publicAccessPrevention"]!.GetValue<string>());
    }

    [Fact]
    public async Task Versioning_turned_off_behind_its_back_is_planned_as_an_update_and_turned_on_again()
    {
        await DeployAsync();
        using (var session = await SessionAsync())
        {
            await session.Storage.PatchBucketAsync(Names.BucketName,
                new OneClickMlflow.Google.StorageBucket { Versioning = new BucketVersioning { Enabled = false } }, CancellationToken.None);
        }

        var plan = await PlanAsync();
        var bucketChange = plan.Changes.Single(c => c.ResourceId == "bucket");
        Assert.Equal(ChangeAction.Update, bucketChange.Action);
        Assert.Equal("false -> true", bucketChange.Details["versioning"]);
        Assert.Equal(1, plan.Changes.Count(c => c.Action != ChangeAction.None));

        await DeployAsync();
        var bucket = Read(s => s.ApiState<StorageState>().Buckets[Names.BucketName]);
        Assert.True(bucket.Settings["versioning"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_run_cancelled_half_way_and_run_again_ends_with_exactly_one_of_each_resource()
    {
        using var cancellation = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DeployAsync(onEvent: e =>
        {
            if (e.ResourceId == "network" && e.Phase == ResourcePhase.Succeeded)
            {
                cancellation.Cancel();
            }
        }, cancellationToken: cancellation.Token));
        Assert.Equal(new[] { Names.NetworkName }, Networks());
        Assert.Empty(PeeringRanges());

        var report = await DeployAsync();

        Assert.Empty(report.Failed);
        Assert.Equal(ResourceOutcome.Unchanged, report["network"].Outcome);
        Assert.Single(Networks());
        Assert.Single(PeeringRanges());
        Assert.Single(Buckets());
        Assert.Equal(2, ServiceAccountEmails().Count);
        Assert.Single(ConnectionRanges(Names.NetworkName)!);
    }

    [Fact]
    public async Task Thirty_percent_of_requests_failing_with_503_still_converges_to_one_of_each()
    {
        // The first try of every create that is sent once (bucket, service accounts, connection, repository) surely fails;
        // after those, 30% of every call fails at random.
        foreach (var api in new[] { "storage", "iam", "servicenetworking", "artifactregistry" })
        {
            await AddFaultAsync($"{{\"api\":\"{api}\",\"method\":\"POST\",\"script\":[503]}}");
        }
        foreach (var api in new[] { "serviceusage", "compute", "servicenetworking", "storage", "iam", "cloudresourcemanager", "artifactregistry" })
        {
            await AddFaultAsync($"{{\"api\":\"{api}\",\"rate\":0.3,\"status\":503}}");
        }

        // Ten attempts per read make a spurious failure of this test (0.3^10 per call) negligible.
        var report = await DeployAsync(configure: options => options.Retry!.MaxAttempts = 10);

        Assert.Empty(report.Failed);
        foreach (var api in new[] { "storage", "iam", "servicenetworking", "artifactregistry" })
        {
            Assert.Contains(Host.Requests, r => r.Api == api && r.Method == "POST" && r.Status == 503);
        }
        Assert.Single(Networks());
        Assert.Single(PeeringRanges());
        Assert.Single(Buckets());
        Assert.Equal(2, ServiceAccountEmails().Count);
        Assert.Equal(new[] { Names.PeeringRangeName }, ConnectionRanges(Names.NetworkName));
        Assert.Single(Read(s => s.ApiState<ArtifactRegistryState>().Repositories.Keys.Where(k => k.Project == Project).ToList()));
    }
}
