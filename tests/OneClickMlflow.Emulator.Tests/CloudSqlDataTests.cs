using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class CloudSqlDataTests : CloudSqlTestBase
{
    private const string Instance = Sql + "instances/mlflow-db/";

    private async Task CreateInstanceAsync()
    {
        await SeedNetworkAsync();
        await CreateAsync(InstanceBody());
    }

    [Fact]
    public async Task A_database_gets_utf8mb4_by_default_and_is_listed_with_the_system_databases()
    {
        await CreateInstanceAsync();

        var (status, operation) = await CallAsync(HttpMethod.Post, Instance + "databases", """{"name": "mlflow"}""");
        var (_, database) = await CallAsync(HttpMethod.Get, Instance + "databases/mlflow");
        var (_, list) = await CallAsync(HttpMethod.Get, Instance + "databases");
        var (duplicateStatus, _) = await CallAsync(HttpMethod.Post, Instance + "databases", """{"name": "mlflow"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CREATE_DATABASE", operation["operationType"]!.GetValue<string>());
        Assert.Equal("utf8mb4", database["charset"]!.GetValue<string>());
        Assert.Equal("utf8mb4_0900_ai_ci", database["collation"]!.GetValue<string>());
        var names = list["items"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("mlflow", names);
        Assert.Contains("information_schema", names);
        Assert.Equal(HttpStatusCode.Conflict, duplicateStatus);
    }

    [Fact]
    public async Task A_deleted_database_is_gone_and_a_bad_collation_is_refused()
    {
        await CreateInstanceAsync();
        await CallAsync(HttpMethod.Post, Instance + "databases", """{"name": "mlflow"}""");

        var (_, operation) = await CallAsync(HttpMethod.Delete, Instance + "databases/mlflow");
        var (missingStatus, _) = await CallAsync(HttpMethod.Get, Instance + "databases/mlflow");
        var (badStatus, bad) = await CallAsync(HttpMethod.Post, Instance + "databases",
            """{"name": "other", "charset": "utf8mb4", "collation": "latin1_swedish_ci"}""");

        Assert.Equal("DELETE_DATABASE", operation["operationType"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("latin1_swedish_ci", ErrorMessage(bad));
    }

    [Fact]
    public async Task A_user_password_is_stored_verifiable_and_never_shown()
    {
        await CreateInstanceAsync();

        var (status, operation) = await CallAsync(HttpMethod.Post, Instance + "users",
            """{"name": "mlflow", "host": "%", "password": "first-secret"}""");
        var (_, list) = await CallAsync(HttpMethod.Get, Instance + "users");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CREATE_USER", operation["operationType"]!.GetValue<string>());
        var user = Assert.Single(list["items"]!.AsArray(), u => u!["name"]!.GetValue<string>() == "mlflow")!;
        Assert.Equal("%", user["host"]!.GetValue<string>());
        Assert.Null(user["password"]);
        Assert.DoesNotContain("first-secret", list.ToJsonString());
        Assert.True(Host.State.SqlUserPasswordMatches(Project, "mlflow-db", "mlflow", "first-secret"));
        Assert.False(Host.State.SqlUserPasswordMatches(Project, "mlflow-db", "mlflow", "wrong"));
        Assert.Contains(list["items"]!.AsArray(), u => u!["name"]!.GetValue<string>() == "root");
    }

    [Fact]
    public async Task Updating_a_user_changes_the_password_and_delete_removes_the_user()
    {
        await CreateInstanceAsync();
        await CallAsync(HttpMethod.Post, Instance + "users", """{"name": "mlflow", "password": "first-secret"}""");

        var (_, update) = await CallAsync(HttpMethod.Put, Instance + "users?name=mlflow&host=%25", """{"password": "second-secret"}""");
        var changed = Host.State.SqlUserPasswordMatches(Project, "mlflow-db", "mlflow", "second-secret");
        var oldStillWorks = Host.State.SqlUserPasswordMatches(Project, "mlflow-db", "mlflow", "first-secret");
        var (missingStatus, _) = await CallAsync(HttpMethod.Put, Instance + "users?name=ghost&host=%25", """{"password": "x"}""");
        var (_, delete) = await CallAsync(HttpMethod.Delete, Instance + "users?name=mlflow&host=%25");
        var (_, list) = await CallAsync(HttpMethod.Get, Instance + "users");

        Assert.Equal("UPDATE_USER", update["operationType"]!.GetValue<string>());
        Assert.True(changed);
        Assert.False(oldStillWorks);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal("DELETE_USER", delete["operationType"]!.GetValue<string>());
        Assert.DoesNotContain(list["items"]!.AsArray(), u => u!["name"]!.GetValue<string>() == "mlflow");
    }

    [Fact]
    public async Task Databases_and_users_wait_for_the_instance_to_be_created()
    {
        await SeedNetworkAsync();
        Host.State.Latency.Set(LatencySettings.Realistic, 0.001);
        var (_, creation) = await CreateAsync(InstanceBody());

        var (databaseStatus, database) = await CallAsync(HttpMethod.Post, Instance + "databases", """{"name": "mlflow"}""");
        var (userStatus, _) = await CallAsync(HttpMethod.Post, Instance + "users", """{"name": "mlflow", "password": "p"}""");
        await WaitAsync(creation);
        var (laterStatus, later) = await CallAsync(HttpMethod.Post, Instance + "databases", """{"name": "mlflow"}""");
        var done = await WaitAsync(later);

        Assert.Equal(HttpStatusCode.Conflict, databaseStatus);
        Assert.Equal("operationInProgress", LegacyReason(database));
        Assert.Equal(HttpStatusCode.Conflict, userStatus);
        Assert.Equal(HttpStatusCode.OK, laterStatus);
        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        lock (Host.State.Gate)
        {
            Assert.Contains("mlflow", Host.State.ApiState<CloudSqlState>().Instances.Values.Single().Databases.Keys);
        }
    }
}
