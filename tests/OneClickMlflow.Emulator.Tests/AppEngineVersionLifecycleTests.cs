using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>What removal and Shared VPC need of App Engine versions: stopping a serving version, and a network path.</summary>
public sealed class AppEngineVersionLifecycleTests : AppEngineTestBase
{
    [Fact]
    public async Task A_version_receiving_traffic_cannot_be_deleted_but_can_be_stopped_and_then_serves_nothing()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");

        var (deleteStatus, deleteError) = await CallAsync(HttpMethod.Delete, $"{App}/services/default/versions/v1");
        var (stopStatus, _) = await CallAsync(HttpMethod.Patch, $"{App}/services/default/versions/v1?updateMask=servingStatus", """{"servingStatus": "STOPPED"}""");
        var (_, version) = await CallAsync(HttpMethod.Get, $"{App}/services/default/versions/v1");

        Assert.Equal(HttpStatusCode.BadRequest, deleteStatus);
        Assert.Contains("receiving traffic", deleteError.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, stopStatus);
        Assert.Equal("STOPPED", (string?)version["servingStatus"]);
        lock (Host.State.Gate)
        {
            Assert.False(Host.State.ApiState<AppEngineState>().Apps[Project].Services["default"].HasServingVersion);
        }
    }

    [Fact]
    public async Task Only_the_serving_status_of_a_version_can_be_patched()
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");

        var (status, error) = await CallAsync(HttpMethod.Patch, $"{App}/services/default/versions/v1?updateMask=env", """{"env": "standard"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("servingStatus", error.ToJsonString());
    }

    [Fact]
    public async Task A_network_given_by_its_path_is_refused_even_in_its_own_project_and_a_missing_one_too()
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();

        var (byPath, pathError) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions",
            FlexVersion("v1", network: $"projects/{Project}/global/networks/mlflow-net"));
        var (missing, error) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v2", network: "shared"));

        Assert.Equal(HttpStatusCode.BadRequest, byPath);
        Assert.Contains("not the resource path", ErrorMessage(pathError));
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("Network 'shared' does not exist", ErrorMessage(error));
    }
}
