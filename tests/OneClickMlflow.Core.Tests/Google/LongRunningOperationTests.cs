using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>Service Usage's google.longrunning operations through the emulator.</summary>
public sealed class LongRunningOperationTests : EmulatedSessionTestBase
{
    private static readonly string[] Services = { "compute.googleapis.com", "sqladmin.googleapis.com" };

    [Fact]
    public async Task Batch_enable_done_at_once_needs_no_poll()
    {
        using var session = await SessionAsync();

        await session.ServiceUsage.BatchEnableAsync(Project, Services, null, CancellationToken.None);

        Assert.Empty(RequestsTo("/operations/"));
        Assert.Superset(Services.ToHashSet(), (await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None)).ToHashSet());
    }

    [Fact]
    public async Task Batch_enable_waits_for_its_operation_under_realistic_latency()
    {
        using (var http = new HttpClient { BaseAddress = Host.BaseUri })
        {
            (await http.PutAsync("_emulator/latency", new StringContent("""{"profile": "realistic", "scale": 0.02}""", Encoding.UTF8, "application/json")))
                .EnsureSuccessStatusCode();
        }
        using var session = await SessionAsync();
        var progress = 0;

        await session.ServiceUsage.BatchEnableAsync(Project, Services, _ => progress++, CancellationToken.None);

        var polls = RequestsTo("/operations/");
        Assert.True(polls.Count >= 2, $"{polls.Count} polls");
        Assert.Equal(polls.Count, progress);
        Assert.Superset(Services.ToHashSet(), (await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None)).ToHashSet());
    }

    [Fact]
    public async Task More_than_twenty_services_are_enabled_in_batches_of_twenty()
    {
        using var session = await SessionAsync();
        var known = new[]
        {
            "appengine.googleapis.com", "appengineflex.googleapis.com", "artifactregistry.googleapis.com", "bigquery.googleapis.com",
            "cloudbuild.googleapis.com", "cloudresourcemanager.googleapis.com", "compute.googleapis.com", "containerregistry.googleapis.com",
            "dns.googleapis.com", "iam.googleapis.com", "iamcredentials.googleapis.com", "iap.googleapis.com", "logging.googleapis.com",
            "monitoring.googleapis.com", "oslogin.googleapis.com", "pubsub.googleapis.com", "run.googleapis.com",
            "secretmanager.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com", "storage.googleapis.com",
            "sts.googleapis.com", "vpcaccess.googleapis.com",
        };

        await session.ServiceUsage.BatchEnableAsync(Project, known, null, CancellationToken.None);

        Assert.Equal(2, RequestsTo("services:batchEnable").Count);
        Assert.Superset(known.ToHashSet(), (await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None)).ToHashSet());
    }
}
