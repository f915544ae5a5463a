using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// -NetworkName on a custom subnet mode network (the server goes on a subnetwork of the region, -SubnetworkName
/// chooses it) and on a Shared VPC network of another project (App Engine's service agent must be allowed to use it).
/// </summary>
public sealed class SubnetworkDeploymentTests : ServerDeploymentTestBase
{
    private const string CustomNetwork = "custom-net";
    private const string HostProject = "net-host-project";
    private const string SharedNetwork = "shared-net";
    private const string SharedNetworkPath = "projects/" + HostProject + "/global/networks/" + SharedNetwork;

    private static DeploymentInput OnNetwork(string network, string? subnetwork = null)
    {
        var input = Input();
        input.NetworkName = network;
        input.SubnetworkName = subnetwork;
        return input;
    }

    private async Task MakeNetworkAsync(string project, string name, bool auto = false)
    {
        EnableServices(OneClickMlflow.Prerequisites.PrerequisiteChecker.RequiredApis.ToArray());
        using var session = await SessionAsync();
        await session.Compute.InsertNetworkAsync(project, new OneClickMlflow.Google.ComputeNetwork { Name = name, AutoCreateSubnetworks = auto },
            ComputeClient.NewRequestId(), null, CancellationToken.None);
    }

    /// <summary>A Shared VPC host project the deployer administers, with a custom network and a subnetwork in the region.</summary>
    private async Task MakeSharedVpcAsync()
    {
        Host.State.AddProject(HostProject, enabledServices: new[] { "compute.googleapis.com", "servicenetworking.googleapis.com" });
        Host.State.Grant(HostProject, "roles/owner", "serviceAccount:" + Deployer);
        await MakeNetworkAsync(HostProject, SharedNetwork);
        SeedSubnetwork(HostProject, SharedNetwork, "mlflow-subnet");
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ComputeState>().SharedVpcHosts[Project] = HostProject;
        }
    }

    private string ServiceAgentMember => $"serviceAccount:service-{Host.State.GetProject(Project).ProjectNumber}@gae-api-prod.google.com.iam.gserviceaccount.com";

    private void GrantOnSubnetwork(bool granted)
    {
        lock (Host.State.Gate)
        {
            var policy = Host.State.ApiState<ComputeState>().Subnetworks[(HostProject, Region, "mlflow-subnet")].Policy;
            policy.Replace(granted
                ? JsonNode.Parse($$"""{"bindings": [{"role": "roles/compute.networkUser", "members": ["{{ServiceAgentMember}}"]}]}""")!.AsObject()
                : new JsonObject(), null);
        }
    }

    private JsonObject VersionNetwork(string service = "default") =>
        Read(s => Service(service)!.Versions.Values.Single().Body["network"]!.DeepClone().AsObject());

    [Fact]
    public async Task A_custom_mode_network_runs_the_server_on_its_subnetwork_of_the_region()
    {
        await MakeNetworkAsync(Project, CustomNetwork);
        SeedSubnetwork(Project, CustomNetwork, "mlflow-subnet");
        SeedSubnetwork(Project, CustomNetwork, "east-subnet", "us-east1", "10.251.0.0/24");

        var deployment = await DeployAsync(OnNetwork(CustomNetwork));

        var network = VersionNetwork();
        Assert.Equal(CustomNetwork, (string?)network["name"]);
        Assert.Equal("mlflow-subnet", (string?)network["subnetworkName"]);
        Assert.Equal("mlflow-subnet", deployment.SubnetworkName);
    }

    [Fact]
    public async Task A_custom_mode_network_without_a_subnetwork_in_the_region_is_refused_before_any_change()
    {
        await MakeNetworkAsync(Project, CustomNetwork);
        SeedSubnetwork(Project, CustomNetwork, "east-subnet", "us-east1");
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync(OnNetwork(CustomNetwork)));

        Assert.Contains("has no subnetwork in region europe-west1", error.Message);
        Assert.Contains("gcloud compute networks subnets create", error.Message);
        Assert.Contains("-SubnetworkName", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task Several_subnetworks_in_the_region_are_listed_until_SubnetworkName_chooses_one()
    {
        await MakeNetworkAsync(Project, CustomNetwork);
        SeedSubnetwork(Project, CustomNetwork, "a-subnet");
        SeedSubnetwork(Project, CustomNetwork, "b-subnet", range: "10.251.0.0/24");

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(OnNetwork(CustomNetwork)));
        await DeployAsync(OnNetwork(CustomNetwork, "b-subnet"));

        Assert.Contains("2 subnetworks in region europe-west1: a-subnet, b-subnet", error.Message);
        Assert.Contains("-SubnetworkName", error.Message);
        Assert.Equal("b-subnet", (string?)VersionNetwork()["subnetworkName"]);
    }

    [Fact]
    public async Task A_SubnetworkName_of_another_region_is_refused_with_the_regions_subnetworks()
    {
        await MakeNetworkAsync(Project, CustomNetwork);
        SeedSubnetwork(Project, CustomNetwork, "mlflow-subnet");
        SeedSubnetwork(Project, CustomNetwork, "east-subnet", "us-east1", "10.251.0.0/24");

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(OnNetwork(CustomNetwork, "east-subnet")));

        Assert.Contains("no subnetwork 'east-subnet' in region europe-west1", error.Message);
        Assert.Contains("-SubnetworkName: mlflow-subnet", error.Message);
    }

    [Fact]
    public async Task A_SubnetworkName_on_an_auto_mode_network_is_refused()
    {
        await MakeNetworkAsync(Project, "auto-net", auto: true);

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(OnNetwork("auto-net", "auto-net")));

        Assert.Contains("auto subnet mode", error.Message);
        Assert.Contains("Leave -SubnetworkName out", error.Message);
    }

    [Fact]
    public async Task A_shared_vpc_subnetwork_the_service_agent_may_not_use_is_refused_with_the_grant_to_make()
    {
        await MakeSharedVpcAsync();
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync(OnNetwork(SharedNetworkPath)));

        Assert.Contains($"gcloud compute networks subnets add-iam-policy-binding mlflow-subnet --region europe-west1 --project {HostProject} " +
                        $"--member {ServiceAgentMember} --role roles/compute.networkUser", error.Message);
        Assert.Empty(MutatingRequests());
        Assert.Contains(Host.Requests, r => r.Path.EndsWith($"/projects/{HostProject}/regions/europe-west1/subnetworks/mlflow-subnet/getIamPolicy"));
    }

    [Fact]
    public async Task A_network_user_grant_on_the_host_project_is_enough()
    {
        await MakeSharedVpcAsync();
        Host.State.Grant(HostProject, "roles/compute.networkUser", ServiceAgentMember);

        var plan = await PlanAsync(OnNetwork(SharedNetworkPath));

        Assert.Contains($"holds roles/compute.networkUser on host project '{HostProject}'", plan.Changes.Single(c => c.ResourceId == "network").Reason);
    }

    [Fact]
    public async Task A_shared_vpc_deployment_names_the_network_by_its_short_name_and_is_described_and_removed_without_the_grant()
    {
        await MakeSharedVpcAsync();
        GrantOnSubnetwork(true);

        var deployed = await DeployAsync(OnNetwork(SharedNetworkPath));
        var versionNetwork = VersionNetwork();
        GrantOnSubnetwork(false); // the host's administrator revokes it: reading and removing must still work
        using var session = await SessionAsync();
        var spec = await DeploymentDiscovery.SpecOfAsync(session, Project, new DeploymentLocation(DeploymentNames.DefaultName, Region), CancellationToken.None);
        var graph = DeploymentGraphBuilder.Build(spec, session);
        var described = graph.Describe(await new DeploymentEngine().PlanAsync(graph.Resources, CancellationToken.None));
        var removal = await RemoveAsync(OnNetwork(SharedNetworkPath));

        Assert.Equal(SharedNetwork, (string?)versionNetwork["name"]);
        Assert.Equal("mlflow-subnet", (string?)versionNetwork["subnetworkName"]);
        Assert.Equal(SharedNetwork, deployed.Network);
        Assert.Equal("mlflow-subnet", deployed.SubnetworkName);
        Assert.True(described.InSync, string.Join("; ", described.Drift.Select(d => d.ResourceId + ": " + d.Reason)));
        Assert.Equal(SharedNetworkPath, described.NetworkName);
        Assert.Equal("mlflow-subnet", described.SubnetworkName);
        Assert.Empty(removal.Failed);
        Assert.Equal(ResourceOutcome.Succeeded, removal["server-version"].Outcome);
        Assert.True(Read(s => s.ApiState<ComputeState>().Subnetworks.ContainsKey((HostProject, Region, "mlflow-subnet"))));
        Assert.True(Read(s => s.ApiState<ComputeState>().Networks.ContainsKey((HostProject, SharedNetwork))));
    }
}
