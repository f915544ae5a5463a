using System;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Database;

/// <summary>The instance waits for the peering and nothing else, under the realistic latency profile scaled down.</summary>
public sealed class DatabaseTimingTests : DatabaseDeploymentTestBase
{
    [Fact]
    public async Task The_instance_is_created_as_soon_as_the_peering_is_done_while_independent_resources_proceed_beside_it()
    {
        // 1/100 of real durations: peering 0.75 s, instance 4.8 s, database and user 0.1 s and 0.05 s.
        Host.State.Latency.Set("realistic", 0.01);

        var report = await DeployAsync(Input());

        Assert.Empty(report.Failed);
        var requests = Host.Requests;
        var lastPeeringPoll = requests.Last(r => r.Api == "servicenetworking" && r.Path.Contains("/operations/", StringComparison.Ordinal));
        var instanceInsert = requests.Single(r => r.Api == "sql" && r.Method == "POST" && r.Path.EndsWith("/instances", StringComparison.Ordinal));
        var lastInstancePoll = requests.Last(r => r.Api == "sql" && r.Path.Contains("/operations/", StringComparison.Ordinal)
                                                  && r.Time < requests.First(d => d.Path.EndsWith("/databases", StringComparison.Ordinal) && d.Method == "POST").Time);

        // After the connection's operation is done, and right after: nothing else holds it back.
        Assert.True(instanceInsert.Time > lastPeeringPoll.Time);
        Assert.True(instanceInsert.Time - lastPeeringPoll.Time < TimeSpan.FromSeconds(1),
            $"the insert came {(instanceInsert.Time - lastPeeringPoll.Time).TotalMilliseconds:0} ms after the peering was done");

        // The bucket, accounts and secret do not wait for the network chain, and the grants do not wait for the instance.
        foreach (var (api, path) in new[] { ("storage", "/b"), ("iam", "/serviceAccounts"), ("secretmanager", "/secrets") })
        {
            Assert.Contains(requests, r => r.Api == api && r.Method == "POST" && r.Path.EndsWith(path, StringComparison.Ordinal)
                                           && r.Time < lastPeeringPoll.Time);
        }
        foreach (var api in new[] { "cloudresourcemanager", "secretmanager" })
        {
            var grant = requests.Last(r => r.Api == api && r.Path.EndsWith(":setIamPolicy", StringComparison.Ordinal));
            Assert.True(grant.Time < lastInstancePoll.Time, $"the {api} grant waited for the instance");
        }

        // The engine's own record tells the same story.
        Assert.True(report["sql-instance"].StartedAt >= report["private-services-access"].EndedAt);
        Assert.True(report["sql-client-role"].EndedAt < report["sql-instance"].EndedAt);
        Assert.True(report["db-password-access"].EndedAt < report["sql-instance"].EndedAt);
        Assert.Contains("sql-instance", report.CriticalPath().ResourceIds);
    }

    [Fact]
    public async Task A_password_repair_waits_while_another_operation_runs_on_the_instance()
    {
        await DeployAsync(Input());
        ChangeSecrets(state => state.Secrets.Remove((Project, Names.DatabasePasswordSecretName)));
        Host.State.Latency.Set("realistic", 0.01);
        using var session = await SessionAsync();
        var current = await ReadInstanceAsync();
        // Someone else's change (0.9 s here) holds the instance when the deployment wants to set the user's password.
        var otherChange = session.CloudSql.PatchInstanceAsync(Project, Names.SqlInstanceName,
            new OneClickMlflow.Google.DatabaseInstance
            {
                Settings = new OneClickMlflow.Google.DatabaseInstanceSettings { SettingsVersion = current.Settings!.SettingsVersion, Tier = "db-g1-small" },
            },
            null, System.Threading.CancellationToken.None);
        while (!Host.Requests.Any(r => r.Api == "sql" && r.Method == "PATCH"))
        {
            await Task.Delay(10);
        }

        var report = await DeployAsync(Input());
        await otherChange;

        Assert.Empty(report.Failed);
        // The deployment saw the operation on the instance and waited for it (or was refused with 409 and sent again).
        Assert.Contains(Host.Requests, r => r.Api == "sql" && r.Path.EndsWith("/operations", StringComparison.Ordinal) && r.Query.Contains("instance="));
        var userUpdates = Host.Requests.Where(r => r.Api == "sql" && r.Method == "PUT").ToList();
        Assert.Equal(200, userUpdates.Last().Status);
        Assert.True(UserPasswordIs(await StoredPasswordAsync()));
    }
}
