using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Tests.Google;
using Xunit;

namespace OneClickMlflow.Tests.Removal;

/// <summary>
/// The deletes of a removal that are sent once (the Cloud SQL instance with its final backup, the private services
/// connection) under one transient failure each: the removal completes in one run, each delete sent again only after
/// a read finds its target still there, and not before the Retry-After.
/// </summary>
public sealed class RemovalRetryTests : RemovalTestBase
{
    private const string Instance = "/sql/sql/v1beta4/projects/" + Project + "/instances/mlflow-db";
    private const string Connection = "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections/-";

    [Theory]
    [InlineData("sql", "DELETE", Instance, Instance, "503")]
    [InlineData("sql", "DELETE", Instance, Instance, "429")]
    [InlineData("sql", "DELETE", Instance, Instance, "lost")]
    [InlineData("servicenetworking", "POST", Connection, "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections", "503")]
    [InlineData("servicenetworking", "POST", Connection, "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections", "429")]
    [InlineData("servicenetworking", "POST", Connection, "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections", "lost")]
    public async Task A_delete_sent_once_completes_the_removal_in_one_run_after_one_failure(string api, string method, string path, string read, string step)
    {
        await DeployAsync();
        Edit(s => s.ApiState<CloudSqlState>().ProducerHoldAfterDelete = TimeSpan.Zero);
        await AddFaultAsync(FaultSteps.Rule(api, method, path, step));

        var removal = await RemoveAsync();

        Assert.True(removal.Complete);
        Assert.False(SqlInstanceExists());
        Assert.Null(ConnectionRanges(Names.NetworkName));
        Assert.Empty(Networks());
        var sent = Host.Requests.Where(r => r.Method == method && r.Path == path).ToList();
        if (step == "lost")
        {
            Assert.Equal(new[] { 0 }, sent.Select(r => r.Status));
            return;
        }
        Assert.Equal(new[] { FaultSteps.StatusOf(step), 200 }, sent.Select(r => r.Status));
        Assert.Contains(Host.Requests, r => r.Method == "GET" && r.Path == read && r.Time > sent[0].Time && r.Time < sent[1].Time);
        if (step == "429")
        {
            Assert.True(sent[1].Time - sent[0].Time >= FaultSteps.RetryAfter - TimeSpan.FromMilliseconds(50),
                $"sent again after {(sent[1].Time - sent[0].Time).TotalMilliseconds} ms");
        }
    }
}
