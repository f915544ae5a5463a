using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class AppEngineApiTests : AppEngineTestBase
{
    [Fact]
    public async Task A_created_app_is_an_operation_then_reads_back_with_its_location_and_hostname()
    {
        var operation = await CreateAppAsync();

        var (_, polled) = await CallAsync(HttpMethod.Get, "appengine/v1/" + operation["name"]!.GetValue<string>());
        var (status, app) = await CallAsync(HttpMethod.Get, App);

        Assert.StartsWith($"apps/{Project}/operations/", operation["name"]!.GetValue<string>());
        Assert.True(polled["done"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("europe-west", app["locationId"]!.GetValue<string>());
        Assert.Equal("SERVING", app["servingStatus"]!.GetValue<string>());
        Assert.False(app["iap"]!["enabled"]!.GetValue<bool>());
        Assert.Matches(@"^mlflow-demo\.[a-z]{2}\.r\.appspot\.com$", app["defaultHostname"]!.GetValue<string>());
        Assert.Equal($"{Project}@appspot.gserviceaccount.com", app["serviceAccount"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_create_conflicts_and_an_unknown_location_is_refused()
    {
        EnableServices(OneClickMlflow.Emulator.Apis.AppEngineApi.Service);
        var (badLocation, _) = await CallAsync(HttpMethod.Post, Apps, """{"id": "mlflow-demo", "locationId": "europe-west1-b"}""");
        await CreateAppAsync();

        var (again, body) = await CallAsync(HttpMethod.Post, Apps, """{"id": "mlflow-demo", "locationId": "us-central"}""");

        Assert.Equal(HttpStatusCode.BadRequest, badLocation);
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("ALREADY_EXISTS", ErrorStatus(body));
    }

    [Fact]
    public async Task The_location_never_changes_but_iap_can_be_enabled()
    {
        await CreateAppAsync();

        var (moved, _) = await CallAsync(HttpMethod.Patch, App + "?updateMask=locationId", """{"locationId": "us-central"}""");
        var (enabled, _) = await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        var (_, app) = await CallAsync(HttpMethod.Get, App);

        Assert.Equal(HttpStatusCode.BadRequest, moved);
        Assert.Equal(HttpStatusCode.OK, enabled);
        Assert.Equal("europe-west", app["locationId"]!.GetValue<string>());
        Assert.True(app["iap"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_custom_oauth_client_is_kept_with_the_hash_of_its_secret_only()
    {
        await CreateAppAsync();

        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap",
            """{"iap": {"enabled": true, "oauth2ClientId": "123-abc.apps.googleusercontent.com", "oauth2ClientSecret": "s3cret"}}""");
        var (_, app) = await CallAsync(HttpMethod.Get, App);

        Assert.Equal("123-abc.apps.googleusercontent.com", app["iap"]!["oauth2ClientId"]!.GetValue<string>());
        Assert.Null(app["iap"]!["oauth2ClientSecret"]);
        Assert.Equal(64, app["iap"]!["oauth2ClientSecretSha256"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Enabled_true_alone_goes_back_to_the_google_managed_client_as_gcloud_asks_for_it()
    {
        await CreateAppAsync();
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap",
            """{"iap": {"enabled": true, "oauth2ClientId": "123-abc.apps.googleusercontent.com", "oauth2ClientSecret": "s3cret"}}""");

        var (status, _) = await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        var (_, app) = await CallAsync(HttpMethod.Get, App);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(app["iap"]!["enabled"]!.GetValue<bool>());
        Assert.Null(app["iap"]!["oauth2ClientId"]);
        Assert.Null(app["iap"]!["oauth2ClientSecretSha256"]);
    }

    [Fact]
    public async Task A_flexible_version_is_deployed_with_its_fields_and_takes_the_traffic_of_its_new_service()
    {
        await CreateAppAsync();

        var (status, operation) = await DeployAsync("default", "v1");
        var (_, version) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions/v1");
        var (_, service) = await CallAsync(HttpMethod.Get, $"{App}/services/default");
        var (_, versions) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions");
        var hostname = await DefaultHostnameAsync();

        Assert.True(status == HttpStatusCode.OK, operation.ToJsonString());
        Assert.Equal("type.googleapis.com/google.appengine.v1.Version", operation["response"]!["@type"]!.GetValue<string>());
        Assert.Equal("flex", version["env"]!.GetValue<string>());
        Assert.Equal("SERVING", version["servingStatus"]!.GetValue<string>());
        Assert.Equal("mlflow-net", version["network"]!["name"]!.GetValue<string>());
        Assert.Equal(ServerAccount, version["serviceAccount"]!.GetValue<string>());
        Assert.Equal("/health", version["livenessCheck"]!["path"]!.GetValue<string>());
        Assert.Equal($"https://v1-dot-default-dot-{hostname}", version["versionUrl"]!.GetValue<string>());
        Assert.Equal(1.0, service["split"]!["allocations"]!["v1"]!.GetValue<double>());
        Assert.Single(versions["versions"]!.AsArray());
    }

    [Fact]
    public async Task A_version_create_takes_minutes_with_realistic_latency()
    {
        await CreateAppAsync();
        Host.State.Latency.Set(LatencySettings.Realistic, 0.001);

        var (_, operation) = await DeployAsync("default", "v1");
        var (before, _) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions/v1");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (after, _) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions/v1");

        Assert.Null(operation["done"]);
        Assert.Equal(HttpStatusCode.NotFound, before);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task The_first_service_must_be_default()
    {
        await CreateAppAsync();

        var (status, body) = await DeployAsync("mlflow", "v1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'default' service", ErrorMessage(body));
    }

    [Theory]
    [InlineData("""{"id": "v1", "env": "flex", "runtime": "custom"}""", "container image")]
    [InlineData("""{"id": "v1", "env": "standard", "runtime": "python312"}""", "flex")]
    [InlineData("""{"id": "V_1", "env": "flex", "deployment": {"container": {"image": "x"}}}""", "version id")]
    [InlineData("""{"id": "ah-v1", "env": "flex", "deployment": {"container": {"image": "x"}}}""", "version id")]
    [InlineData("""{"id": "v1", "env": "flex", "deployment": {"container": {"image": "x"}}, "network": {"name": "nowhere"}}""", "nowhere")]
    [InlineData("""{"id": "v1", "env": "flex", "deployment": {"container": {"image": "x"}}, "serviceAccount": "ghost@mlflow-demo.iam.gserviceaccount.com"}""", "ghost")]
    [InlineData("""{"id": "v1", "env": "flex", "deployment": {"container": {"image": "x"}}, "scaling": {}}""", "scaling")]
    public async Task Invalid_versions_are_refused(string version, string mentioned)
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();

        var (status, body) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", version);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(mentioned, ErrorMessage(body));
    }

    [Fact]
    public async Task Traffic_moves_by_split_and_the_version_without_traffic_can_then_be_deleted()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        await DeployAsync("default", "v2");

        var (refused, refusal) = await CallAsync(HttpMethod.Delete, $"{App}/services/default/versions/v1");
        var (unknown, _) = await CallAsync(HttpMethod.Patch, $"{App}/services/default?updateMask=split", """{"split": {"allocations": {"v9": 1}}}""");
        var (partial, _) = await CallAsync(HttpMethod.Patch, $"{App}/services/default?updateMask=split", """{"split": {"allocations": {"v2": 0.5}}}""");
        var (moved, _) = await CallAsync(HttpMethod.Patch, $"{App}/services/default?updateMask=split", """{"split": {"allocations": {"v2": 1}, "shardBy": "IP"}}""");
        var (deleted, _) = await CallAsync(HttpMethod.Delete, $"{App}/services/default/versions/v1");
        var (_, versions) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions");

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("traffic", ErrorMessage(refusal));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, partial);
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("v2", versions["versions"]!.AsArray().Single()!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_default_service_cannot_be_deleted_but_another_can()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        await DeployAsync("mlflow", "v1");

        var (keptDefault, body) = await CallAsync(HttpMethod.Delete, $"{App}/services/default");
        var (deleted, _) = await CallAsync(HttpMethod.Delete, $"{App}/services/mlflow");
        var (_, services) = await CallAsync(HttpMethod.Get, $"{App}/services");

        Assert.Equal(HttpStatusCode.BadRequest, keptDefault);
        Assert.Contains("default service (module) may not be deleted", ErrorMessage(body));
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("default", services["services"]!.AsArray().Single()!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apps_cannot_be_deleted_and_a_missing_app_is_not_found()
    {
        EnableServices(OneClickMlflow.Emulator.Apis.AppEngineApi.Service);
        var (missing, _) = await CallAsync(HttpMethod.Get, App);
        await CreateAppAsync();

        var (delete, _) = await CallAsync(HttpMethod.Delete, App);

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.NotEqual(HttpStatusCode.OK, delete);
    }

    [Fact]
    public async Task The_app_default_service_account_exists_once_the_app_does_and_can_run_a_version()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        var version = FlexVersion("v1", account: $"{Project}@appspot.gserviceaccount.com");

        var (status, body) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", version);

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.NotNull(Host.State.FindServiceAccount($"{Project}@appspot.gserviceaccount.com"));
    }

    [Fact]
    public async Task A_caller_without_app_engine_permissions_is_denied()
    {
        await CreateAppAsync();
        var token = await UserTokenAsync("mallory@example.com");

        var response = await SendAsync(HttpMethod.Get, App, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task App_engine_must_be_enabled_on_the_project()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, App);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("App Engine Admin API has not been used", ErrorMessage(body));
    }

    [Fact]
    public async Task Versions_leave_out_the_deployment_unless_the_full_view_is_asked_for()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");

        var (_, basic) = await CallAsync(HttpMethod.Get, App + "/services/default/versions/v1");
        var (_, full) = await CallAsync(HttpMethod.Get, App + "/services/default/versions/v1?view=FULL");
        var (_, listed) = await CallAsync(HttpMethod.Get, App + "/services/default/versions");
        var (_, listedFull) = await CallAsync(HttpMethod.Get, App + "/services/default/versions?view=FULL");
        var (badView, error) = await CallAsync(HttpMethod.Get, App + "/services/default/versions?view=EVERYTHING");

        Assert.Null(basic["deployment"]);
        Assert.Equal("flex", basic["env"]!.GetValue<string>());
        Assert.NotNull(full["deployment"]!["container"]!["image"]);
        Assert.Null(listed["versions"]![0]!["deployment"]);
        Assert.NotNull(listedFull["versions"]![0]!["deployment"]);
        Assert.Equal(HttpStatusCode.BadRequest, badView);
        Assert.Contains("view", error["error"]!["message"]!.GetValue<string>());
    }
}
