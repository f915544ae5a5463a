using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Removal;

public sealed class DeploymentRemovalTests : RemovalTestBase
{
    [Fact]
    public async Task Removal_deletes_what_the_deployment_made_and_keeps_the_bucket_with_its_objects_and_a_final_backup()
    {
        await DeployAsync();
        PutArtifact(Names.BucketName);

        var removal = await RemoveAsync();

        Assert.Empty(ServiceAccountEmails());
        Assert.False(SqlInstanceExists());
        Assert.False(SecretExists());
        Assert.False(RepositoryExists());
        Assert.Equal(new[] { Names.BucketName }, Buckets());
        Assert.Equal(new[] { ArtifactObject }, ObjectsIn(Names.BucketName));
        var backup = Assert.Single(FinalBackups());
        Assert.Equal(Names.SqlInstanceName, backup.Instance);
        Assert.Equal(30, Math.Round((backup.Expires!.Value - backup.Created).TotalDays));

        Assert.True(removal.ArtifactBucketKept);
        Assert.Equal(30, removal.FinalBackup!.RetentionDays);
        Assert.Equal($"projects/{Project}/backups/{backup.Id}", removal.FinalBackup.Name);
        Assert.Contains(removal.Kept, k => k.ResourceId == "bucket" && k.Reason.Contains("holds the artifacts"));
        Assert.Contains(removal.Kept, k => k.ResourceId == "apis");
        Assert.Contains(removal.Removed, r => r.ResourceId == "sql-database" && r.Reason == "deleted with the Cloud SQL instance");
        Assert.Contains(removal.Removed, r => r.ResourceId == "sql-instance" && r.Reason.Contains("final backup kept 30 days"));
    }

    [Fact]
    public async Task The_peering_Cloud_SQL_still_holds_is_kept_with_its_range_and_network_and_the_reason_not_as_a_failure()
    {
        await DeployAsync();

        var removal = await RemoveAsync();

        Assert.Equal(new[] { Names.NetworkName }, Networks());
        Assert.Equal(new[] { Names.PeeringRangeName }, PeeringRanges());
        Assert.NotNull(ConnectionRanges(Names.NetworkName));
        Assert.False(SqlInstanceExists());
        Assert.Empty(removal.NotRemoved);
        Assert.True(removal.FinishLater);
        Assert.False(removal.Complete);
        var connection = Assert.Single(removal.Kept, k => k.ResourceId == "private-services-access");
        Assert.Contains("four days", connection.Reason);
        Assert.Contains("Run Remove-MlflowDeployment again", connection.Reason);
        Assert.Contains(removal.Kept, k => k.ResourceId == "peering-range" && k.Reason.Contains("private-services-access"));
        Assert.Contains(removal.Kept, k => k.ResourceId == "network" && k.Reason.StartsWith("waits for private-services-access,", StringComparison.Ordinal));
        Assert.Equal(new[] { "network", "peering-range", "private-services-access" },
            removal.Run!.Deferred.Select(r => r.ResourceId).OrderBy(id => id));
    }

    [Fact]
    public async Task A_removal_run_again_once_Cloud_SQL_released_the_peering_removes_the_connection_range_and_network()
    {
        await DeployAsync();
        await RemoveAsync();
        ReleaseProducerHolds();

        var again = await RemoveAsync();

        Assert.True(again.Complete);
        Assert.Empty(Networks());
        Assert.Empty(PeeringRanges());
        Assert.Null(ConnectionRanges(Names.NetworkName));
        Assert.Equal(new[] { "network", "peering-range", "private-services-access" }, again.Removed.Select(r => r.ResourceId).OrderBy(id => id));
    }

    [Fact]
    public async Task After_delete_data_only_the_network_is_left_and_the_deployment_is_still_found_by_name_to_finish_the_job()
    {
        await DeployAsync();
        await RemoveAsync(deleteData: true);
        ReleaseProducerHolds();

        using var session = await SessionAsync();
        var found = await DeploymentDiscovery.FindByNameAsync(session, Project, DeploymentNames.DefaultName, CancellationToken.None);

        Assert.Equal(Region, found?.Region);
        var again = await RemoveAsync(deleteData: true);
        Assert.True(again.Complete);
        Assert.Empty(Networks());
    }

    [Fact]
    public async Task The_report_says_iap_stays_on_the_application_even_when_the_application_is_read_last()
    {
        await DeployAsync();
        // A slow read of the application (one retried 503): IAP is planned while it is still being read.
        await AddFaultAsync($$"""{"api":"appengine","method":"GET","pathContains":"/apps/{{Project}}","script":[503]}""");

        var removal = await RemoveAsync();

        var iap = Assert.Single(removal.Kept, k => k.ResourceId == "iap");
        Assert.Contains("IAP stays on the App Engine application", iap.Reason);
        Assert.DoesNotContain("IAP is off", iap.Reason);
    }

    [Fact]
    public async Task The_kept_bucket_loses_the_labels_and_the_accounts_access_so_the_project_no_longer_lists_the_deployment()
    {
        await DeployAsync();
        using var before = await SessionAsync();
        Assert.Equal(OAuthClientLabel.GoogleManagedValue, (await before.Storage.GetBucketAsync(Names.BucketName, CancellationToken.None))!.Labels![OAuthClientLabel.Key]);

        await RemoveAsync();

        using var session = await SessionAsync();
        var bucket = await session.Storage.GetBucketAsync(Names.BucketName, CancellationToken.None);
        Assert.False(bucket!.Labels?.ContainsKey(DeploymentNames.LabelKey) ?? false);
        Assert.False(bucket.Labels?.ContainsKey(OAuthClientLabel.Key) ?? false);
        var policy = await session.Storage.GetIamPolicyAsync(Names.BucketName, CancellationToken.None);
        Assert.DoesNotContain(policy.Bindings, b => b.Members.Any(m => m.Contains(Names.ServerServiceAccountEmail) || m.Contains(Names.LogPusherServiceAccountEmail)));
        var projectPolicy = await session.ResourceManager.GetIamPolicyAsync(Project, CancellationToken.None);
        Assert.DoesNotContain(projectPolicy.Bindings, b => b.Members.Any(m => m.Contains(Names.ServerServiceAccountEmail)));
        Assert.Empty(await DeploymentDiscovery.FindAsync(session, Project, null, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_data_removes_the_bucket_with_its_objects_and_leaves_no_final_backup()
    {
        await DeployAsync();
        PutArtifact(Names.BucketName);

        var removal = await RemoveAsync(deleteData: true);

        Assert.Empty(Buckets());
        Assert.Empty(FinalBackups());
        Assert.False(SqlInstanceExists());
        Assert.False(removal.ArtifactBucketKept);
        Assert.Null(removal.FinalBackup);
        Assert.Contains(removal.Removed, r => r.ResourceId == "bucket");
    }

    [Fact]
    public async Task A_second_removal_sends_no_mutating_request()
    {
        await DeployAsync();
        await RemoveAsync();
        ReleaseProducerHolds();
        await RemoveAsync();
        Host.ClearRequests();

        var again = await RemoveAsync();

        Assert.Empty(MutatingRequests());
        Assert.Empty(again.Removed);
        Assert.True(again.Complete);
        Assert.NotNull(again.FinalBackup); // the backup the first removal left is still reported
    }

    [Fact]
    public async Task A_removal_cancelled_half_way_completes_when_run_again()
    {
        await DeployAsync();
        using var cancellation = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RemoveAsync(onEvent: e =>
        {
            if (e.ResourceId == "sql-instance" && e.Phase == ResourcePhase.Succeeded)
            {
                cancellation.Cancel();
            }
        }, cancellationToken: cancellation.Token));
        Assert.False(SqlInstanceExists());
        Assert.NotEmpty(Networks());
        ReleaseProducerHolds();

        var removal = await RemoveAsync();

        Assert.True(removal.Complete);
        Assert.Empty(Networks());
        Assert.Empty(PeeringRanges());
        Assert.Single(FinalBackups());
    }

    [Fact]
    public async Task A_removal_whose_network_delete_fails_reports_it_and_completes_when_run_again()
    {
        await DeployAsync();
        Host.State.ApiState<CloudSqlState>().ProducerHoldAfterDelete = TimeSpan.Zero;
        await AddFaultAsync("""{"api":"compute","method":"DELETE","pathContains":"/networks/","script":[403]}""");

        var failed = await Assert.ThrowsAsync<DeploymentFailedException>(() => RemoveAsync());
        Assert.Equal("network", Assert.Single(failed.Report.Failed).ResourceId);
        Assert.Equal(new[] { Names.NetworkName }, Networks());
        Assert.Empty(PeeringRanges());

        var removal = await RemoveAsync();

        Assert.True(removal.Complete);
        Assert.Empty(Networks());
    }
}
