using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class SecretManagerTests : PlatformTestBase
{
    private const string Secrets = "secretmanager/v1/projects/mlflow-demo/secrets";
    private const string Automatic = """{"replication": {"automatic": {}}, "labels": {"app": "mlflow"}}""";

    private async Task CreateAsync(string id)
    {
        EnableServices(SecretManagerApi.Service);
        var (status, body) = await CallAsync(HttpMethod.Post, $"{Secrets}?secretId={id}", Automatic);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> AddVersionAsync(string id, string value, uint? crc = null) =>
        CallAsync(HttpMethod.Post, $"{Secrets}/{id}:addVersion", new JsonObject
        {
            ["payload"] = new JsonObject
            {
                ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
                ["dataCrc32c"] = (crc ?? Crc32C.Compute(Encoding.UTF8.GetBytes(value))).ToString(),
            },
        }.ToJsonString());

    private static string Decode(JsonObject access) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(access["payload"]!["data"]!.GetValue<string>()));

    [Fact]
    public async Task A_created_secret_is_named_by_project_number_and_a_second_create_is_refused()
    {
        await CreateAsync("db-password");

        var (_, secret) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password");
        var (_, list) = await CallAsync(HttpMethod.Get, Secrets);
        var (status, again) = await CallAsync(HttpMethod.Post, $"{Secrets}?secretId=db-password", Automatic);

        Assert.Equal($"projects/{ProjectNumber}/secrets/db-password", secret["name"]!.GetValue<string>());
        Assert.Equal("mlflow", secret["labels"]!["app"]!.GetValue<string>());
        Assert.NotNull(secret["replication"]!["automatic"]);
        Assert.Single(list["secrets"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("ALREADY_EXISTS", ErrorStatus(again));
        Assert.Equal($"Secret [projects/{ProjectNumber}/secrets/db-password] already exists.", ErrorMessage(again));
    }

    [Theory]
    [InlineData("bad.id", Automatic, "does not match the expected format")]
    [InlineData("good-id", """{"labels": {"a": "b"}}""", "replication")]
    [InlineData("good-id", """{"replication": {"automatic": {}}, "labels": {"App": "b"}}""", "label [App: b] is invalid")]
    public async Task A_bad_secret_id_or_missing_replication_is_refused(string id, string body, string message)
    {
        EnableServices(SecretManagerApi.Service);

        var (status, error) = await CallAsync(HttpMethod.Post, $"{Secrets}?secretId={id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, ErrorMessage(error));
    }

    [Fact]
    public async Task Versions_are_numbered_and_latest_accesses_the_newest_value_with_its_checksum()
    {
        await CreateAsync("db-password");

        var (_, first) = await AddVersionAsync("db-password", "one");
        await AddVersionAsync("db-password", "two");
        var (_, latest) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/latest:access");
        var (_, firstValue) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/1:access");
        var (_, versions) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions");

        Assert.Equal($"projects/{ProjectNumber}/secrets/db-password/versions/1", first["name"]!.GetValue<string>());
        Assert.Equal("ENABLED", first["state"]!.GetValue<string>());
        Assert.Equal($"projects/{ProjectNumber}/secrets/db-password/versions/2", latest["name"]!.GetValue<string>());
        Assert.Equal("two", Decode(latest));
        Assert.Equal(Crc32C.Compute(Encoding.UTF8.GetBytes("two")).ToString(), latest["payload"]!["dataCrc32c"]!.GetValue<string>());
        Assert.Equal("one", Decode(firstValue));
        Assert.Equal(2, versions["versions"]!.AsArray().Count);
    }

    [Fact]
    public void The_crc32c_of_the_standard_check_value_is_the_published_one()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public async Task A_checksum_mismatch_is_refused_and_adds_no_version()
    {
        await CreateAsync("db-password");

        var (status, error) = await AddVersionAsync("db-password", "value", crc: 12345);
        var (missingStatus, missing) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/latest:access");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data_crc32c", ErrorMessage(error));
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal("NOT_FOUND", ErrorStatus(missing));
    }

    [Fact]
    public async Task A_disabled_or_destroyed_version_cannot_be_accessed()
    {
        await CreateAsync("db-password");
        await AddVersionAsync("db-password", "one");
        await AddVersionAsync("db-password", "two");

        var (_, disabled) = await CallAsync(HttpMethod.Post, $"{Secrets}/db-password/versions/1:disable", "{}");
        var (disabledStatus, disabledError) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/1:access");
        await CallAsync(HttpMethod.Post, $"{Secrets}/db-password/versions/1:enable", "{}");
        var (enabledStatus, _) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/1:access");
        var (_, destroyed) = await CallAsync(HttpMethod.Post, $"{Secrets}/db-password/versions/2:destroy", "{}");
        var (destroyedStatus, destroyedError) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/latest:access");
        var (missingStatus, _) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/9:access");

        Assert.Equal("DISABLED", disabled["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, disabledStatus);
        Assert.Equal("FAILED_PRECONDITION", ErrorStatus(disabledError));
        Assert.Equal(HttpStatusCode.OK, enabledStatus);
        Assert.Equal("DESTROYED", destroyed["state"]!.GetValue<string>());
        Assert.NotNull(destroyed["destroyTime"]);
        Assert.Equal(HttpStatusCode.BadRequest, destroyedStatus);
        Assert.Contains("DESTROYED", ErrorMessage(destroyedError));
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Patch_changes_labels_and_delete_removes_the_secret()
    {
        await CreateAsync("db-password");

        var (_, patched) = await CallAsync(HttpMethod.Patch, $"{Secrets}/db-password?updateMask=labels", """{"labels": {"env": "prod"}}""");
        var (_, _) = await CallAsync(HttpMethod.Delete, $"{Secrets}/db-password");
        var (status, _) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password");

        Assert.Equal("prod", patched["labels"]!["env"]!.GetValue<string>());
        Assert.Null(patched["labels"]!["app"]);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_secret_level_accessor_binding_opens_that_secret_only()
    {
        await CreateAsync("db-password");
        await CreateAsync("other-secret");
        await AddVersionAsync("db-password", "p4ss");
        await AddVersionAsync("other-secret", "nope");
        const string server = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";
        var serverToken = await AccessTokenAsync(IssueKey(server));

        var (_, policy) = await CallAsync(HttpMethod.Get, $"{Secrets}/db-password:getIamPolicy?options.requestedPolicyVersion=3");
        var (setStatus, set) = await CallAsync(HttpMethod.Post, $"{Secrets}/db-password:setIamPolicy", new JsonObject
        {
            ["policy"] = new JsonObject
            {
                ["etag"] = policy["etag"]!.GetValue<string>(),
                ["bindings"] = new JsonArray(new JsonObject
                {
                    ["role"] = "roles/secretmanager.secretAccessor",
                    ["members"] = new JsonArray("serviceAccount:" + server),
                }),
            },
        }.ToJsonString());
        var (staleStatus, _) = await CallAsync(HttpMethod.Post, $"{Secrets}/db-password:setIamPolicy",
            new JsonObject { ["policy"] = new JsonObject { ["etag"] = policy["etag"]!.GetValue<string>() } }.ToJsonString());
        var allowed = await SendAsync(HttpMethod.Get, $"{Secrets}/db-password/versions/latest:access", serverToken);
        var denied = await SendAsync(HttpMethod.Get, $"{Secrets}/other-secret/versions/latest:access", serverToken);
        var deniedMissing = await SendAsync(HttpMethod.Get, $"{Secrets}/absent/versions/latest:access", serverToken);

        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.Equal("roles/secretmanager.secretAccessor", set["bindings"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, staleStatus);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("p4ss", Decode(await ReadJsonAsync(allowed)));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("secretmanager.versions.access", ErrorMessage(await ReadJsonAsync(denied)));
        Assert.Equal(HttpStatusCode.Forbidden, deniedMissing.StatusCode);
    }

    [Fact]
    public async Task Test_iam_permissions_answers_what_a_secret_level_binding_grants()
    {
        await CreateAsync("db-password");
        const string server = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";
        var serverToken = await AccessTokenAsync(IssueKey(server));
        lock (Host.State.Gate)
        {
            Host.State.ApiState<SecretManagerState>().Secrets[(Project, "db-password")].Policy
                .AddBinding("roles/secretmanager.secretAccessor", "serviceAccount:" + server);
        }

        var response = await SendAsync(HttpMethod.Post, $"{Secrets}/db-password:testIamPermissions", serverToken,
            """{"permissions": ["secretmanager.versions.access", "secretmanager.secrets.delete"]}""");
        var body = await ReadJsonAsync(response);

        Assert.Equal("secretmanager.versions.access", Assert.Single(body["permissions"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Without_the_api_enabled_secret_calls_are_refused()
    {
        var (status, error) = await CallAsync(HttpMethod.Get, Secrets);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("Secret Manager API has not been used", ErrorMessage(error));
    }
}
