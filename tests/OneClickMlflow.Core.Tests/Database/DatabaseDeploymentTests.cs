using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Database;

public sealed class DatabaseDeploymentTests : DatabaseDeploymentTestBase
{
    [Fact]
    public async Task The_instance_is_private_encrypted_backed_up_protected_and_labelled_as_read_back_through_the_api()
    {
        await DeployAsync(Input());

        var instance = await ReadInstanceAsync();
        Assert.Equal("RUNNABLE", instance.State);
        Assert.Equal("MYSQL_8_4", instance.DatabaseVersion);
        Assert.Equal(Region, instance.Region);
        Assert.Equal($"{Project}:{Region}:{Names.SqlInstanceName}", instance.ConnectionName);
        var settings = instance.Settings!;
        Assert.Equal("ENTERPRISE", settings.Edition);
        Assert.Equal("db-g1-small", settings.Tier);
        Assert.False(settings.IpConfiguration!.Ipv4Enabled);
        Assert.Equal($"projects/{Project}/global/networks/{Names.NetworkName}", settings.IpConfiguration.PrivateNetwork);
        Assert.Equal(Names.PeeringRangeName, settings.IpConfiguration.AllocatedIpRange);
        Assert.Equal("ENCRYPTED_ONLY", settings.IpConfiguration.SslMode);
        Assert.True(settings.BackupConfiguration!.Enabled);
        Assert.True(settings.BackupConfiguration.BinaryLogEnabled);
        Assert.Equal(7, settings.BackupConfiguration.BackupRetentionSettings!.RetainedBackups);
        Assert.Equal(7, settings.BackupConfiguration.TransactionLogRetentionDays);
        Assert.True(settings.DeletionProtectionEnabled);
        Assert.Equal("mlflow", settings.UserLabels!["oneclick-mlflow"]);
        Assert.Single(instance.IpAddresses!);
        Assert.Equal("PRIVATE", instance.IpAddresses![0].Type);
    }

    [Fact]
    public async Task The_database_is_utf8mb4_and_the_user_holds_the_password_kept_in_the_secret()
    {
        var report = await DeployAsync(Input());

        using var session = await SessionAsync();
        var database = await session.CloudSql.GetDatabaseAsync(Project, Names.SqlInstanceName, "mlflow", CancellationToken.None);
        Assert.Equal("utf8mb4", database!.Charset);
        Assert.Equal("utf8mb4_0900_ai_ci", database.Collation);
        var user = await session.CloudSql.FindUserAsync(Project, Names.SqlInstanceName, "mlflow", "%", CancellationToken.None);
        Assert.NotNull(user);

        var password = await StoredPasswordAsync();
        Assert.Matches(new Regex("^[A-Za-z0-9]{32}$"), password);
        Assert.True(UserPasswordIs(password));
        var secret = Read(s => s.ApiState<SecretManagerState>().Secrets[(Project, Names.DatabasePasswordSecretName)]);
        Assert.NotNull(secret.Replication["automatic"]);
        Assert.Equal("mlflow", secret.Labels["oneclick-mlflow"]);
        Assert.Single(secret.Versions);
        Assert.Equal(ResourceOutcome.Succeeded, report["sql-user"].Outcome);
    }

    [Fact]
    public async Task The_server_account_reads_this_secret_only_and_is_a_cloud_sql_client_of_the_project()
    {
        await DeployAsync(Input());

        using var session = await SessionAsync();
        var server = "serviceAccount:" + Names.ServerServiceAccountEmail;
        var secretPolicy = await session.SecretManager.GetIamPolicyAsync(Project, Names.DatabasePasswordSecretName, CancellationToken.None);
        var projectPolicy = await session.ResourceManager.GetIamPolicyAsync(Project, CancellationToken.None);
        Assert.True(secretPolicy.HasMember("roles/secretmanager.secretAccessor", server));
        Assert.True(projectPolicy.HasMember("roles/cloudsql.client", server));
        Assert.False(projectPolicy.HasMember("roles/secretmanager.secretAccessor", server));
        Assert.DoesNotContain(projectPolicy.Bindings, b => b.Members.Contains("serviceAccount:" + Names.LogPusherServiceAccountEmail));
    }

    [Fact]
    public async Task A_second_run_plans_nothing_sends_no_mutating_request_and_keeps_the_password()
    {
        await DeployAsync(Input());
        var password = await StoredPasswordAsync();
        Host.ClearRequests();

        var plan = await PlanAsync(Input());
        var report = await DeployAsync(Input());

        Assert.All(plan.Changes, c => Assert.Equal(ChangeAction.None, c.Action));
        Assert.All(report.Resources, r => Assert.Equal(ResourceOutcome.Unchanged, r.Outcome));
        Assert.Empty(MutatingRequests());
        Assert.Equal(password, await StoredPasswordAsync());
        Assert.True(UserPasswordIs(password));
    }

    [Fact]
    public async Task A_lost_secret_is_made_again_with_a_new_password_set_on_the_user_before_it_is_stored()
    {
        await DeployAsync(Input());
        var lostPassword = await StoredPasswordAsync();
        ChangeSecrets(state => state.Secrets.Remove((Project, Names.DatabasePasswordSecretName)));
        Host.ClearRequests();

        var report = await DeployAsync(Input());

        Assert.Equal(ChangeAction.Update, report["sql-user"].Action);
        var newPassword = await StoredPasswordAsync();
        Assert.NotEqual(lostPassword, newPassword);
        Assert.True(UserPasswordIs(newPassword));
        Assert.False(UserPasswordIs(lostPassword));
        var mutating = MutatingRequests();
        var userUpdate = mutating.Single(r => r.Api == "sql" && r.Method == "PUT" && r.Path.EndsWith("/users", StringComparison.Ordinal));
        var addVersion = mutating.Single(r => r.Path.EndsWith(":addVersion", StringComparison.Ordinal));
        Assert.True(userUpdate.Time < addVersion.Time, "the user's password must change before the secret stores it");
        Assert.Contains(mutating, r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal));
        Assert.Contains(mutating, r => r.Path.EndsWith(":setIamPolicy", StringComparison.Ordinal) && r.Api == "secretmanager");
    }

    [Fact]
    public async Task A_run_stopped_before_the_password_is_stored_leaves_no_version_and_the_rerun_sets_then_stores_a_new_one()
    {
        await AddFaultAsync("""{"api": "secretmanager", "method": "POST", "pathContains": ":addVersion", "script": [403]}""");
        await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync(Input()));
        Assert.Empty(Read(s => s.ApiState<SecretManagerState>().Secrets[(Project, Names.DatabasePasswordSecretName)].Versions));
        var firstRun = MutatingRequests();
        Host.ClearRequests();

        await DeployAsync(Input());

        // Both runs: the user has the password before the secret may hand it to the server, and the secret then
        // records which version that is (the PATCH of its annotations).
        var userInsert = firstRun.Single(r => r.Api == "sql" && r.Method == "POST" && r.Path.EndsWith("/users", StringComparison.Ordinal));
        Assert.True(userInsert.Time < firstRun.Single(r => r.Path.EndsWith(":addVersion", StringComparison.Ordinal)).Time);
        var rerun = MutatingRequests().Where(r => r.Api is "sql" or "secretmanager").Select(r => $"{r.Method} {r.Path[(r.Path.LastIndexOf('/') + 1)..]}");
        Assert.Equal(new[] { "PUT users", $"POST {Names.DatabasePasswordSecretName}:addVersion", $"PATCH {Names.DatabasePasswordSecretName}" }, rerun);
        Assert.True(UserPasswordIs(await StoredPasswordAsync()));
    }

    [Fact]
    public async Task A_secret_left_without_an_enabled_version_by_an_interrupted_run_is_repaired()
    {
        await DeployAsync(Input());
        ChangeSecrets(state => state.Secrets[(Project, Names.DatabasePasswordSecretName)].Versions.Clear());

        var plan = await PlanAsync(Input());
        await DeployAsync(Input());

        Assert.Equal(ChangeAction.Update, plan.Changes.Single(c => c.ResourceId == "sql-user").Action);
        Assert.Equal(1, plan.Changes.Count(c => c.Action != ChangeAction.None));
        Assert.True(UserPasswordIs(await StoredPasswordAsync()));
    }

    [Fact]
    public async Task A_disabled_latest_version_counts_as_lost()
    {
        await DeployAsync(Input());
        ChangeSecrets(state => state.Secrets[(Project, Names.DatabasePasswordSecretName)].Versions.Last().State = "DISABLED");

        await DeployAsync(Input());

        var secret = Read(s => s.ApiState<SecretManagerState>().Secrets[(Project, Names.DatabasePasswordSecretName)]);
        Assert.Equal(2, secret.Versions.Count);
        Assert.True(UserPasswordIs(await StoredPasswordAsync()));
    }

    [Fact]
    public async Task A_tier_change_is_an_in_place_update_of_the_same_instance()
    {
        await DeployAsync(Input());
        var created = Read(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Created);
        Host.ClearRequests();

        var plan = await PlanAsync(Input(tier: "db-custom-1-3840"));
        await DeployAsync(Input(tier: "db-custom-1-3840"));

        var change = plan.Changes.Single(c => c.ResourceId == "sql-instance");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Equal("db-g1-small -> db-custom-1-3840", change.Details["tier"]);
        Assert.Equal(1, plan.Changes.Count(c => c.Action != ChangeAction.None));
        Assert.Equal("db-custom-1-3840", (await ReadInstanceAsync()).Settings!.Tier);
        Assert.Equal(created, Read(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Created));
        var sqlChanges = MutatingRequests().Where(r => r.Api == "sql").ToList();
        Assert.Equal("PATCH", Assert.Single(sqlChanges).Method);
    }

    [Fact]
    public async Task Backup_retention_and_a_version_upgrade_are_patched_in_place()
    {
        await DeployAsync(Input(version: "MYSQL_8_0", backupRetentionDays: 3));
        Assert.Equal(3, (await ReadInstanceAsync()).Settings!.BackupConfiguration!.TransactionLogRetentionDays);

        await DeployAsync(Input(version: "MYSQL_8_4", backupRetentionDays: 30));

        var instance = await ReadInstanceAsync();
        Assert.Equal("MYSQL_8_4", instance.DatabaseVersion);
        Assert.Equal(30, instance.Settings!.BackupConfiguration!.BackupRetentionSettings!.RetainedBackups);
        Assert.Equal(7, instance.Settings.BackupConfiguration.TransactionLogRetentionDays);
        Assert.Single(Read(s => s.ApiState<CloudSqlState>().Instances.Keys.Where(k => k.Project == Project).ToList()));
    }

    [Fact]
    public async Task A_run_without_database_parameters_keeps_the_tier_version_and_retention_chosen_earlier()
    {
        await DeployAsync(Input(version: "MYSQL_8_0", tier: "db-n1-standard-2", backupRetentionDays: 14));
        Host.ClearRequests();

        var plan = await PlanAsync(Input());
        await DeployAsync(Input());

        Assert.Equal(ChangeAction.None, plan.Changes.Single(c => c.ResourceId == "sql-instance").Action);
        Assert.Empty(MutatingRequests());
        var instance = await ReadInstanceAsync();
        Assert.Equal("MYSQL_8_0", instance.DatabaseVersion);
        Assert.Equal("db-n1-standard-2", instance.Settings!.Tier);
        Assert.Equal(14, instance.Settings.BackupConfiguration!.BackupRetentionSettings!.RetainedBackups);
    }

    [Fact]
    public async Task TLS_and_deletion_protection_turned_off_behind_its_back_are_put_back_without_touching_the_tier()
    {
        await DeployAsync(Input(tier: "db-n1-standard-1"));
        lock (Host.State.Gate)
        {
            var settings = Host.State.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Settings;
            settings["ipConfiguration"]!["sslMode"] = "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
            settings["deletionProtectionEnabled"] = false;
        }

        var plan = await PlanAsync(Input());
        await DeployAsync(Input());

        var change = plan.Changes.Single(c => c.ResourceId == "sql-instance");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Equal(new[] { "deletionProtectionEnabled", "sslMode" }, change.Details.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var instance = await ReadInstanceAsync();
        Assert.Equal("ENCRYPTED_ONLY", instance.Settings!.IpConfiguration!.SslMode);
        Assert.True(instance.Settings.DeletionProtectionEnabled);
        Assert.Equal("db-n1-standard-1", instance.Settings.Tier);
    }

    [Fact]
    public async Task A_version_downgrade_is_refused_before_any_request_that_changes_anything()
    {
        await DeployAsync(Input(version: "MYSQL_8_4"));
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync(Input(version: "MYSQL_8_0")));

        Assert.Contains("cannot downgrade", error.Message);
        Assert.Contains("-DatabaseVersion MYSQL_8_4", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task An_instance_get_that_answers_403_for_a_missing_instance_is_confirmed_absent_by_the_list()
    {
        lock (Host.State.Gate)
        {
            Host.State.ApiState<CloudSqlState>().MissingInstanceAnswers403 = true;
        }

        var report = await DeployAsync(Input());

        Assert.Empty(report.Failed);
        Assert.Contains(Host.Requests, r => r.Api == "sql" && r.Method == "GET" && r.Status == 403);
        Assert.Contains(Host.Requests, r => r.Api == "sql" && r.Method == "GET" && r.Path.EndsWith("/instances", StringComparison.Ordinal));
        Assert.Equal("RUNNABLE", (await ReadInstanceAsync()).State);
    }
}
