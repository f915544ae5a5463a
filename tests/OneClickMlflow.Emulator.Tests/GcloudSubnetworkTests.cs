using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI makes and reads subnetworks, and grants their use, through its Compute endpoint override.</summary>
public sealed class GcloudSubnetworkTests : PlatformTestBase
{
    private readonly ITestOutputHelper output;

    public GcloudSubnetworkTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    private async Task<GcloudCli> GcloudAsync()
    {
        EnableServices("compute.googleapis.com");
        var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);
        return gcloud;
    }

    [Fact]
    public async Task Gcloud_creates_describes_and_lists_a_subnetwork_of_a_custom_mode_network()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = await GcloudAsync();
        await gcloud.RunAsync("compute", "networks", "create", "shared-net", "--subnet-mode=custom");
        Host.State.Latency.Set("realistic", 0.07); // 15 s * 0.07 = 1 s: gcloud must wait for the regional operation

        await gcloud.RunAsync("compute", "networks", "subnets", "create", "mlflow-subnet", "--network=shared-net",
            "--range=10.10.0.0/24", "--region=europe-west1", "--enable-private-ip-google-access");
        var described = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "subnets", "describe", "mlflow-subnet",
            "--region=europe-west1", "--format=json"))!;
        var listed = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "subnets", "list", "--format=json"))!.AsArray();
        var inRegion = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "subnets", "list", "--regions=europe-west1",
            "--network=shared-net", "--format=json"))!.AsArray();

        Assert.Equal("10.10.0.0/24", described["ipCidrRange"]!.GetValue<string>());
        Assert.Equal("10.10.0.1", described["gatewayAddress"]!.GetValue<string>());
        Assert.True(described["privateIpGoogleAccess"]!.GetValue<bool>());
        Assert.EndsWith("/projects/mlflow-demo/global/networks/shared-net", described["network"]!.GetValue<string>());
        Assert.EndsWith("/projects/mlflow-demo/regions/europe-west1", described["region"]!.GetValue<string>());
        Assert.Equal("mlflow-subnet", listed.Single()!["name"]!.GetValue<string>());
        Assert.Equal("mlflow-subnet", inRegion.Single()!["name"]!.GetValue<string>());
        Assert.Contains(Host.Requests, r => r.Api == "compute" && r.Path.Contains("/regions/europe-west1/operations/") && r.Status == 200);
    }

    [Fact]
    public async Task Gcloud_lists_the_automatic_subnetworks_of_an_auto_mode_network_in_every_region()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = await GcloudAsync();
        await gcloud.RunAsync("compute", "networks", "create", "auto-net", "--subnet-mode=auto");

        var listed = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "subnets", "list", "--network=auto-net",
            "--format=json"))!.AsArray();
        var network = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "describe", "auto-net", "--format=json"))!;

        Assert.Equal(OneClickMlflow.Emulator.Apis.ComputeRegions.AutoModeRanges.Count, listed.Count);
        Assert.All(listed, s => Assert.Equal("auto-net", s!["name"]!.GetValue<string>()));
        var europe = listed.Single(s => s!["region"]!.GetValue<string>().EndsWith("/regions/europe-west1"))!;
        Assert.Equal("10.132.0.0/20", europe["ipCidrRange"]!.GetValue<string>());
        Assert.Equal(listed.Count, network["subnetworks"]!.AsArray().Count);
    }

    [Fact]
    public async Task Gcloud_grants_the_network_user_role_on_a_subnetwork_and_reads_the_policy_back()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = await GcloudAsync();
        await gcloud.RunAsync("compute", "networks", "create", "shared-net", "--subnet-mode=custom");
        await gcloud.RunAsync("compute", "networks", "subnets", "create", "mlflow-subnet", "--network=shared-net",
            "--range=10.10.0.0/24", "--region=europe-west1");
        const string agent = "serviceAccount:service-123456789012@gae-api-prod.google.com.iam.gserviceaccount.com";

        await gcloud.RunAsync("compute", "networks", "subnets", "add-iam-policy-binding", "mlflow-subnet", "--region=europe-west1",
            "--member=" + agent, "--role=roles/compute.networkUser", "--format=json");
        var policy = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "subnets", "get-iam-policy", "mlflow-subnet",
            "--region=europe-west1", "--format=json"))!;

        var binding = policy["bindings"]!.AsArray().Single()!;
        Assert.Equal("roles/compute.networkUser", binding["role"]!.GetValue<string>());
        Assert.Equal(agent, binding["members"]!.AsArray().Single()!.GetValue<string>());
    }
}
