using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Removal;

/// <summary>A deployment made with -NetworkName: the removal never touches the network the user brought.</summary>
public sealed class ExistingNetworkRemovalTests : RemovalTestBase
{
    private const string SharedNetwork = "shared-vpc";
    private const string ExistingRange = "google-managed-services-shared-vpc";

    [Fact]
    public async Task The_network_its_range_and_its_connection_remain()
    {
        EnableServices(OneClickMlflow.Prerequisites.PrerequisiteChecker.RequiredApis.ToArray());
        using (var session = await SessionAsync())
        {
            await session.Compute.InsertNetworkAsync(Project, new ComputeNetwork { Name = SharedNetwork, AutoCreateSubnetworks = false },
                ComputeClient.NewRequestId(), null, CancellationToken.None);
            SeedSubnetwork(Project, SharedNetwork, "mlflow-subnet");
            await session.Compute.InsertGlobalAddressAsync(Project, new ComputeAddress
            {
                Name = ExistingRange, AddressType = "INTERNAL", Purpose = "VPC_PEERING", PrefixLength = 20,
                Network = $"projects/{Project}/global/networks/{SharedNetwork}",
            }, ComputeClient.NewRequestId(), null, CancellationToken.None);
        }
        await DeployAsync(SharedNetwork);

        var removal = await RemoveAsync(SharedNetwork);

        Assert.True(removal.Complete);
        Assert.False(SqlInstanceExists());
        Assert.Equal(new[] { SharedNetwork }, Networks());
        Assert.Equal(new[] { ExistingRange }, PeeringRanges());
        Assert.Equal(new[] { ExistingRange }, ConnectionRanges(SharedNetwork));
        Assert.Contains(removal.Kept, k => k.ResourceId == "network");
        Assert.DoesNotContain(Host.Requests, r => r.Api == "compute" && r.Method == "DELETE");
    }
}
