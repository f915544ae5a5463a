using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Platform;

/// <summary>-NetworkName: a network the user brings, with the ranges and connection already on it, is reused as it is.</summary>
public sealed class ExistingNetworkTests : PlatformDeploymentTestBase
{
    private const string SharedNetwork = "shared-vpc";
    private const string ExistingRange = "google-managed-services-shared-vpc";

    private async Task SeedNetworkAsync(bool withRange, bool withConnectionOn = false, string? connectionRange = null)
    {
        EnableServices(OneClickMlflow.Prerequisites.PrerequisiteChecker.RequiredApis.ToArray());
        using var session = await SessionAsync();
        await session.Compute.InsertNetworkAsync(Project, new ComputeNetwork { Name = SharedNetwork, AutoCreateSubnetworks = false },
            ComputeClient.NewRequestId(), null, CancellationToken.None);
        SeedSubnetwork(Project, SharedNetwork, "mlflow-subnet");
        foreach (var range in new[] { withRange ? ExistingRange : null, connectionRange }.Where(r => r != null))
        {
            await session.Compute.InsertGlobalAddressAsync(Project, new ComputeAddress
            {
                Name = range, AddressType = "INTERNAL", Purpose = "VPC_PEERING", PrefixLength = 20,
                Network = $"projects/{Project}/global/networks/{SharedNetwork}",
            }, ComputeClient.NewRequestId(), null, CancellationToken.None);
        }
        if (withConnectionOn)
        {
            var project = await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);
            await session.ServiceNetworking.CreateConnectionAsync(ServiceNetworkingClient.ConsumerNetwork(project.ProjectNumber, SharedNetwork),
                new[] { connectionRange! }, null, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_existing_network_and_its_peering_range_are_reused_not_duplicated()
    {
        await SeedNetworkAsync(withRange: true);
        Host.ClearRequests();

        var report = await DeployAsync(SharedNetwork);

        Assert.Empty(report.Failed);
        Assert.Equal(ResourceOutcome.Unchanged, report["network"].Outcome);
        Assert.Equal(ResourceOutcome.Unchanged, report["peering-range"].Outcome);
        Assert.Equal(new[] { SharedNetwork }, Networks());
        Assert.Equal(new[] { ExistingRange }, PeeringRanges());
        Assert.Equal(new[] { ExistingRange }, ConnectionRanges(SharedNetwork));
        Assert.DoesNotContain(Host.Requests, r => r.Api == "compute" && r.Method != "GET");
    }

    [Fact]
    public async Task A_connection_without_the_range_is_updated_keeping_the_ranges_it_had()
    {
        await SeedNetworkAsync(withRange: false, withConnectionOn: true, connectionRange: "other-range");
        // The deployment's own range exists on the network too, so it is the one chosen, and the connection lacks it.
        using (var session = await SessionAsync())
        {
            await session.Compute.InsertGlobalAddressAsync(Project, new ComputeAddress
            {
                Name = Names.PeeringRangeName, AddressType = "INTERNAL", Purpose = "VPC_PEERING", PrefixLength = 16,
                Network = $"projects/{Project}/global/networks/{SharedNetwork}",
            }, ComputeClient.NewRequestId(), null, CancellationToken.None);
        }

        var plan = await PlanAsync(SharedNetwork);
        var connection = plan.Changes.Single(c => c.ResourceId == "private-services-access");
        Assert.Equal(ChangeAction.Update, connection.Action);
        Assert.Contains(Names.PeeringRangeName, connection.Reason);

        Host.ClearRequests();
        await DeployAsync(SharedNetwork);

        Assert.Equal(new[] { "other-range", Names.PeeringRangeName }, ConnectionRanges(SharedNetwork));
        var patch = Assert.Single(Host.Requests, r => r.Api == "servicenetworking" && r.Method == "PATCH");
        Assert.Contains("force=true", patch.Query);
        Assert.Contains("updateMask=reservedPeeringRanges", patch.Query);
        Assert.DoesNotContain(Host.Requests, r => r.Api == "servicenetworking" && r.Method == "POST");
    }

    [Fact]
    public async Task A_network_name_that_does_not_exist_is_refused_and_nothing_is_created()
    {
        await DeployAsync(); // the deployment's own network exists; the named one does not

        Host.ClearRequests();
        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync("no-such-network"));

        Assert.Contains("-NetworkName does not exist", error.Message);
        Assert.Empty(MutatingRequests());
        Assert.DoesNotContain("no-such-network", Networks());
    }
}
