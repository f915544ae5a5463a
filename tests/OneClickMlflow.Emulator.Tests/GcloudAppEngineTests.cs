using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI reads back, through its endpoint overrides, the App Engine app and its IAP policy.</summary>
public sealed class GcloudAppEngineTests : AppEngineTestBase
{
    private readonly ITestOutputHelper output;

    public GcloudAppEngineTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Gcloud_describes_the_app_lists_its_versions_and_reads_its_iap_policy()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        var (status, policy) = await CallAsync(HttpMethod.Post, $"iap/v1/projects/{ProjectNumber}/iap_web/appengine-{Project}:setIamPolicy",
            """{"policy": {"bindings": [{"role": "roles/iap.httpsResourceAccessor", "members": ["group:ml-team@example.com"]}]}}""");
        Assert.True(status == HttpStatusCode.OK, policy.ToJsonString());
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        var app = JsonNode.Parse(await gcloud.RunAsync("app", "describe", "--project", Project, "--format=json"))!;
        var versions = JsonNode.Parse(await gcloud.RunAsync("app", "versions", "list", "--project", Project, "--format=json"))!.AsArray();
        var iap = JsonNode.Parse(await gcloud.RunAsync("iap", "web", "get-iam-policy", "--resource-type=app-engine",
            "--project", Project, "--format=json"))!;

        Assert.Equal(await DefaultHostnameAsync(), app["defaultHostname"]!.GetValue<string>());
        Assert.Equal("europe-west", app["locationId"]!.GetValue<string>());
        Assert.True(app["iap"]!["enabled"]!.GetValue<bool>());
        var version = versions.Single()!;
        Assert.Equal("v1", version["id"]!.GetValue<string>());
        Assert.Equal("default", version["service"]!.GetValue<string>());
        Assert.Equal(1.0, version["traffic_split"]!.GetValue<double>());
        Assert.Equal("group:ml-team@example.com", iap["bindings"]![0]!["members"]![0]!.GetValue<string>());
    }
}
