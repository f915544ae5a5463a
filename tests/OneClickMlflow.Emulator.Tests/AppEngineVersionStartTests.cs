using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// A flexible version comes up only when its service account can pull the image and the server passes its health
/// checks; otherwise the create operation ends with Google's error and the failed version stays listed, without traffic.
/// </summary>
public sealed class AppEngineVersionStartTests : AppEngineTestBase
{
    private const string Image = "europe-west1-docker.pkg.dev/mlflow-demo/mlflow/server:1";

    private void RevokeImageRead()
    {
        lock (Host.State.Gate)
        {
            var repository = Host.State.ApiState<ArtifactRegistryState>().FindRepository(Project, "mlflow")!;
            repository.Policy.Replace(new JsonObject { ["etag"] = repository.Policy.Etag }, null);
        }
    }

    private (bool Listed, double Traffic) Version(string service, string id)
    {
        lock (Host.State.Gate)
        {
            var found = Host.State.ApiState<AppEngineState>().Apps[Project].Services.TryGetValue(service, out var s);
            return (found && s!.Versions.ContainsKey(id), found && s!.Allocations.TryGetValue(id, out var share) ? share : 0);
        }
    }

    [Fact]
    public async Task A_runtime_account_that_cannot_read_the_image_fails_the_create_with_an_image_pull_error_and_the_version_stays_listed()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        RevokeImageRead();

        var (status, operation) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v1"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(operation["done"]!.GetValue<bool>());
        Assert.Equal(9, operation["error"]!["code"]!.GetValue<int>());
        Assert.Contains("/app-engine-flex/flex_await_healthy", operation["error"]!["message"]!.GetValue<string>());
        Assert.Contains("pulling the application's docker image", operation["error"]!["message"]!.GetValue<string>());
        Assert.Equal((true, 0), Version("default", "v1"));
    }

    [Fact]
    public async Task A_project_level_grant_lets_the_account_pull_as_a_repository_grant_does()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        RevokeImageRead();
        Host.State.Grant(Project, "roles/artifactregistry.reader", "serviceAccount:" + ServerAccount);

        var (_, operation) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v1"));

        Assert.Null(operation["error"]);
        Assert.Equal((true, 1.0), Version("default", "v1"));
    }

    [Fact]
    public async Task An_image_whose_server_never_becomes_healthy_fails_the_create_and_takes_no_traffic()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        var digest = "sha256:" + new string('9', 64);
        using (var admin = new HttpClient { BaseAddress = Host.BaseUri })
        {
            (await admin.PostAsync("_emulator/unhealthy-images", new StringContent($$"""{"digest": "{{digest}}"}"""))).EnsureSuccessStatusCode();
        }

        var (_, operation) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions",
            FlexVersion("v2").Replace(Image, "europe-west1-docker.pkg.dev/mlflow-demo/mlflow/server@" + digest, StringComparison.Ordinal));

        Assert.Equal(4, operation["error"]!["code"]!.GetValue<int>());
        Assert.Contains("failed to become healthy", operation["error"]!["message"]!.GetValue<string>());
        Assert.Equal((true, 0), Version("default", "v2"));
        Assert.Equal((true, 1.0), Version("default", "v1"));
    }

    [Fact]
    public async Task A_version_records_the_email_of_the_account_that_created_it()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");

        var (_, version) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions/v1");

        Assert.Matches("^[^@\\s]+@[^@\\s]+$", version["createdBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_create_operation_is_listed_with_its_method_and_target_and_keeps_its_error()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        RevokeImageRead();
        await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v1"));

        var (_, list) = await CallAsync(HttpMethod.Get, $"{App}/operations");

        var create = list["operations"]!.AsArray().Single(o => (string?)o!["metadata"]!["method"] == "google.appengine.v1.Versions.CreateVersion")!;
        Assert.Equal($"apps/{Project}/services/default/versions/v1", (string?)create["metadata"]!["target"]);
        Assert.Equal(9, create["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Deploying_a_version_that_runs_as_an_account_needs_act_as_on_that_account()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        Host.State.Grant(Project, "roles/appengine.appAdmin", "user:carol@example.com");
        var carol = await UserTokenAsync("carol@example.com");

        var refused = await SendAsync(HttpMethod.Post, $"{App}/services/default/versions", carol, FlexVersion("v1"));
        Host.State.FindServiceAccount(ServerAccount)!.Policy.AddBinding("roles/iam.serviceAccountUser", "user:carol@example.com");
        var allowed = await SendAsync(HttpMethod.Post, $"{App}/services/default/versions", carol, FlexVersion("v1"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("iam.serviceAccounts.actAs", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
