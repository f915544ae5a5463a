using System;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The network of a flexible version: short names, a subnetwork of the app's region on custom mode networks, Shared VPC use.</summary>
public sealed class AppEngineVersionNetworkTests : AppEngineTestBase
{
    private const string HostProject = "network-host";

    private void SeedNetwork(string project, string name, params (string Region, string Subnetwork)[] subnetworks)
    {
        lock (Host.State.Gate)
        {
            var compute = Host.State.ApiState<ComputeState>();
            compute.Networks[(project, name)] = new ComputeNetwork
            {
                ProjectId = project, Name = name, Id = compute.NewId(), Created = DateTimeOffset.UtcNow, AutoCreateSubnetworks = false,
            };
            var block = 0;
            foreach (var (region, subnetwork) in subnetworks)
            {
                compute.Subnetworks[(project, region, subnetwork)] = new ComputeSubnetwork
                {
                    ProjectId = project, Region = region, Name = subnetwork, Id = compute.NewId(), Created = DateTimeOffset.UtcNow,
                    NetworkName = name, IpCidrRange = $"10.{10 + block++}.0.0/24",
                };
            }
        }
    }

    private const string ModuleNetwork = """
        "network": {"name": "mlflow-net", "instanceIpMode": "INTERNAL"}
        """;

    private string Version(string networkJson) =>
        FlexVersion("v1").Replace(ModuleNetwork, "\"network\": " + networkJson, StringComparison.Ordinal);

    private async Task<(HttpStatusCode Status, JsonObject Body)> CreateAsync(string networkJson)
    {
        await CreateAppAsync(); // europe-west: region europe-west1
        Host.State.AddServiceAccount(ServerAccount);
        return await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", Version(networkJson));
    }

    [Fact]
    public async Task A_custom_mode_network_without_a_subnetwork_name_is_refused()
    {
        SeedNetwork(Project, "custom-net", ("europe-west1", "mlflow-subnet"));

        var (status, body) = await CreateAsync("""{"name": "custom-net"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Subnetwork should be specified for custom subnetmode network 'custom-net'", ErrorMessage(body));
    }

    [Fact]
    public async Task A_subnetwork_of_another_region_is_refused()
    {
        SeedNetwork(Project, "custom-net", ("us-east1", "east-subnet"));

        var (status, body) = await CreateAsync("""{"name": "custom-net", "subnetworkName": "east-subnet"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The resource 'projects/mlflow-demo/regions/europe-west1/subnetworks/east-subnet' was not found", ErrorMessage(body));
    }

    [Fact]
    public async Task A_resource_path_in_the_network_name_is_refused()
    {
        SeedNetwork(Project, "custom-net", ("europe-west1", "mlflow-subnet"));

        var (status, body) = await CreateAsync(
            """{"name": "projects/mlflow-demo/global/networks/custom-net", "subnetworkName": "mlflow-subnet"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not the resource path", ErrorMessage(body));
    }

    [Fact]
    public async Task A_subnetwork_of_the_region_on_a_custom_mode_network_is_accepted()
    {
        SeedNetwork(Project, "custom-net", ("europe-west1", "mlflow-subnet"));

        var (status, body) = await CreateAsync("""{"name": "custom-net", "subnetworkName": "mlflow-subnet"}""");

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task A_shared_vpc_subnetwork_needs_the_flexible_service_agent_to_hold_network_user_on_it()
    {
        Host.State.AddProject(HostProject);
        SeedNetwork(HostProject, "shared-net", ("europe-west1", "mlflow-subnet"));
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ComputeState>().SharedVpcHosts[Project] = HostProject;
        }
        var agent = AppEngineNetworks.ServiceAgent(ProjectNumber);

        var (refused, refusal) = await CreateAsync("""{"name": "shared-net", "subnetworkName": "mlflow-subnet"}""");
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ComputeState>().Subnetworks[(HostProject, "europe-west1", "mlflow-subnet")].Policy
                .AddBinding("roles/compute.networkUser", "serviceAccount:" + agent);
        }
        var (accepted, body) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions",
            Version("""{"name": "shared-net", "subnetworkName": "mlflow-subnet"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains(agent, ErrorMessage(refusal));
        Assert.Contains("compute.subnetworks.use", ErrorMessage(refusal));
        Assert.True(accepted == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task A_network_of_an_unattached_project_is_not_found_by_its_short_name()
    {
        Host.State.AddProject(HostProject);
        SeedNetwork(HostProject, "shared-net", ("europe-west1", "mlflow-subnet"));

        var (status, body) = await CreateAsync("""{"name": "shared-net", "subnetworkName": "mlflow-subnet"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Network 'shared-net' does not exist", ErrorMessage(body));
    }
}
