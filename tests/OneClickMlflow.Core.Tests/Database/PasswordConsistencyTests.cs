using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Database;

/// <summary>
/// The newest enabled version of the password secret is always the database user's password, checked with the
/// emulator's own password check: after repairs that race, lost answers and versions added behind the deployment's back.
/// </summary>
public sealed class PasswordConsistencyTests : DatabaseDeploymentTestBase
{
    private SecretRecord Secret() => Read(s => s.ApiState<SecretManagerState>().Secrets[(Project, Names.DatabasePasswordSecretName)]);

    /// <summary>The value of the newest version if it is enabled (what "latest" gives the server), read in the emulator.</summary>
    private string? NewestEnabledValue() => Read(s =>
    {
        var newest = s.ApiState<SecretManagerState>().Secrets[(Project, Names.DatabasePasswordSecretName)].Versions.OrderBy(v => v.Number).Last();
        return newest.State == "ENABLED" ? Encoding.UTF8.GetString(newest.Data!) : null;
    });

    private void AssertUserHoldsTheNewestVersion(string context)
    {
        var newest = NewestEnabledValue();
        Assert.True(newest != null && UserPasswordIs(newest), $"{context}: the newest enabled version is not the user's password");
    }

    private void LoseEveryVersion() => ChangeSecrets(state => state.Secrets[(Project, Names.DatabasePasswordSecretName)].Versions.Clear());

    [Fact]
    public async Task Two_runs_repairing_at_once_with_a_503_on_a_version_write_leave_the_newest_version_the_users_password_20_of_20()
    {
        await DeployAsync(Input());
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            LoseEveryVersion();
            var fault = attempt % 2 == 0 ? "503" : "\"lost\"";
            await AddFaultAsync($$"""{"api":"secretmanager","method":"POST","pathContains":":addVersion","script":[{{fault}}]}""");

            var results = await Task.WhenAll(Attempt(), Attempt());

            Assert.All(results, r => Assert.Null(r));
            AssertUserHoldsTheNewestVersion($"try {attempt} ({fault})");
            var plan = await PlanAsync(Input());
            Assert.Equal(ChangeAction.None, plan.Changes.Single(c => c.ResourceId == "sql-user").Action);
        }

        async Task<Exception?> Attempt()
        {
            try
            {
                await DeployAsync(Input());
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }

    [Fact]
    public async Task A_version_write_whose_answer_is_lost_is_not_sent_again()
    {
        await DeployAsync(Input());
        LoseEveryVersion();
        await AddFaultAsync("""{"api":"secretmanager","method":"POST","pathContains":":addVersion","script":["lost"]}""");
        var before = RequestsTo(":addVersion").Count;

        await DeployAsync(Input());

        Assert.Equal(1, RequestsTo(":addVersion").Count - before);
        Assert.Single(Secret().Versions);
        AssertUserHoldsTheNewestVersion("after a lost answer");
    }

    [Fact]
    public async Task A_version_write_refused_with_503_is_sent_again_once_the_versions_show_it_did_not_land()
    {
        await DeployAsync(Input());
        LoseEveryVersion();
        await AddFaultAsync("""{"api":"secretmanager","method":"POST","pathContains":":addVersion","script":[503]}""");
        var versionLists = RequestsTo("/versions").Count(r => r.Method == "GET");

        await DeployAsync(Input());

        Assert.Single(Secret().Versions);
        Assert.True(RequestsTo("/versions").Count(r => r.Method == "GET") > versionLists, "the versions must be read before the write is sent again");
        AssertUserHoldsTheNewestVersion("after a 503");
    }

    [Fact]
    public async Task A_user_found_after_a_conflicting_insert_gets_the_password_the_secret_then_stores()
    {
        await DeployAsync(Input());
        lock (Host.State.Gate)
        {
            Host.State.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Users.RemoveAll(u => u.Name == DeploymentNames.DatabaseUserName);
        }
        // Another run makes the user with its own password just before this run's insert reaches Cloud SQL.
        Host.State.Faults.Add(new Emulator.Infrastructure.FaultRule
        {
            Api = "sql",
            Method = "POST",
            PathContains = "/users",
            Script = new[] { 200 },
            Before = () =>
            {
                lock (Host.State.Gate)
                {
                    var user = new SqlUser(DeploymentNames.DatabaseUserName, DatabaseUserResource.Host);
                    user.SetPassword("another-runs-password");
                    Host.State.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Users.Add(user);
                }
            },
        });

        var inserts = RequestsTo("/users").Count(r => r.Method == "POST");
        await DeployAsync(Input());

        Assert.Equal(1, RequestsTo("/users").Count(r => r.Method == "POST") - inserts); // refused (409): the user was there
        Assert.False(UserPasswordIs("another-runs-password"));
        AssertUserHoldsTheNewestVersion("after a conflicting insert");
    }

    [Fact]
    public async Task A_version_added_behind_the_deployments_back_is_seen_and_replaced_by_a_password_set_on_the_user()
    {
        await DeployAsync(Input());
        var recorded = Secret().Versions.Max(v => v.Number);
        using (var session = await SessionAsync())
        {
            await session.SecretManager.AddVersionAsync(Project, Names.DatabasePasswordSecretName, "not-the-users-password", CancellationToken.None);
        }

        var plan = await PlanAsync(Input());

        var change = plan.Changes.Single(c => c.ResourceId == "sql-user");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains($"the user was last set to version {recorded}", change.Reason);
        await DeployAsync(Input());
        AssertUserHoldsTheNewestVersion("after a foreign version");
        Assert.Equal(Secret().Versions.Max(v => v.Number).ToString(), Secret().Annotations[DatabaseUserResource.UserVersionAnnotation]);
    }

    [Fact]
    public async Task A_secret_made_before_the_record_existed_gets_the_record_and_keeps_its_password()
    {
        await DeployAsync(Input());
        var password = await StoredPasswordAsync();
        ChangeSecrets(state => state.Secrets[(Project, Names.DatabasePasswordSecretName)].Annotations.Clear());

        var change = (await PlanAsync(Input())).Changes.Single(c => c.ResourceId == "sql-user");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains("is recorded", change.Reason);
        await DeployAsync(Input());

        Assert.Equal(password, await StoredPasswordAsync());
        Assert.True(UserPasswordIs(password));
        Assert.Equal(ChangeAction.None, (await PlanAsync(Input())).Changes.Single(c => c.ResourceId == "sql-user").Action);
    }
}
