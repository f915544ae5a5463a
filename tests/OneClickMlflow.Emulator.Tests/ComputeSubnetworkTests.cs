using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Regional subnetworks: automatic ones of auto mode networks, inserted ones of custom mode networks, and their IAM policy.</summary>
public sealed class ComputeSubnetworkTests : PlatformTestBase
{
    private const string Global = "compute/compute/v1/projects/mlflow-demo/global/";
    private const string Europe = "compute/compute/v1/projects/mlflow-demo/regions/europe-west1/";

    private async Task InsertNetworkAsync(string name, bool auto)
    {
        EnableServices("compute.googleapis.com");
        var (status, body) = await CallAsync(HttpMethod.Post, Global + "networks",
            $$"""{"name": "{{name}}", "autoCreateSubnetworks": {{(auto ? "true" : "false")}}}""");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> InsertSubnetworkAsync(string name, string range, string network = "shared-net",
        string region = "europe-west1") =>
        CallAsync(HttpMethod.Post, $"compute/compute/v1/projects/mlflow-demo/regions/{region}/subnetworks",
            $$"""{"name": "{{name}}", "network": "https://www.googleapis.com/compute/v1/projects/mlflow-demo/global/networks/{{network}}", "ipCidrRange": "{{range}}"}""");

    private static string[] Names(JsonObject list) =>
        (list["items"] as JsonArray)?.Select(i => i!["name"]!.GetValue<string>()).ToArray() ?? new string[0];

    [Fact]
    public async Task An_auto_mode_network_has_an_automatic_subnetwork_in_every_region_and_a_custom_one_has_none()
    {
        await InsertNetworkAsync("auto-net", auto: true);
        await InsertNetworkAsync("shared-net", auto: false);

        var (_, europe) = await CallAsync(HttpMethod.Get, Europe + "subnetworks");
        var (_, central) = await CallAsync(HttpMethod.Get, "compute/compute/v1/projects/mlflow-demo/regions/us-central1/subnetworks");
        var (_, automatic) = await CallAsync(HttpMethod.Get, Europe + "subnetworks/auto-net");

        Assert.Equal(new[] { "auto-net" }, Names(europe));
        Assert.Equal(new[] { "auto-net" }, Names(central));
        Assert.Equal("10.132.0.0/20", automatic["ipCidrRange"]!.GetValue<string>());
        Assert.EndsWith("/global/networks/auto-net", automatic["network"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_subnetwork_insert_starts_a_regional_operation_and_the_subnetwork_is_read_back()
    {
        await InsertNetworkAsync("shared-net", auto: false);

        var (status, operation) = await InsertSubnetworkAsync("mlflow-subnet", "10.10.0.0/24");
        var (_, subnetwork) = await CallAsync(HttpMethod.Get, Europe + "subnetworks/mlflow-subnet");
        var (_, done) = await CallAsync(HttpMethod.Get, Europe + "operations/" + operation["name"]!.GetValue<string>());
        var (_, network) = await CallAsync(HttpMethod.Get, Global + "networks/shared-net");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.EndsWith("/projects/mlflow-demo/regions/europe-west1", operation["region"]!.GetValue<string>());
        Assert.Contains("/regions/europe-west1/operations/", operation["selfLink"]!.GetValue<string>());
        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        Assert.Equal("10.10.0.1", subnetwork["gatewayAddress"]!.GetValue<string>());
        Assert.EndsWith("/regions/europe-west1/subnetworks/mlflow-subnet", network["subnetworks"]!.AsArray().Single()!.GetValue<string>());
    }

    [Theory]
    [InlineData("mlflow-subnet", "10.10.0.128/25", "europe-west1", "conflicts with existing subnetwork 'mlflow-subnet' in region 'europe-west1'")]
    [InlineData("other", "10.10.0.0/16", "us-east1", "conflicts with existing subnetwork 'mlflow-subnet' in region 'europe-west1'")]
    [InlineData("other", "10.10.1.1/24", "europe-west1", "Invalid IPCidrRange: 10.10.1.1/24")]
    [InlineData("other", "10.20.0.0/24", "mars-north1", "Unknown region")]
    public async Task Bad_ranges_and_regions_are_refused_with_Computes_messages(string name, string range, string region, string message)
    {
        await InsertNetworkAsync("shared-net", auto: false);
        await InsertSubnetworkAsync("mlflow-subnet", "10.10.0.0/24");

        var (status, body) = await InsertSubnetworkAsync(name == "mlflow-subnet" ? "second" : name, range, region: region);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, ErrorMessage(body));
        Assert.Equal("invalid", LegacyReason(body));
    }

    [Fact]
    public async Task A_subnetwork_body_with_an_unknown_field_is_refused()
    {
        await InsertNetworkAsync("shared-net", auto: false);

        var (status, body) = await CallAsync(HttpMethod.Post, Europe + "subnetworks",
            """{"name": "s", "network": "global/networks/shared-net", "ipCidrRange": "10.1.0.0/24", "subnetMode": "custom"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Unknown name \"subnetMode\"", ErrorMessage(body));
    }

    [Fact]
    public async Task A_network_with_a_subnetwork_cannot_be_deleted_but_an_auto_mode_one_takes_its_own_along()
    {
        await InsertNetworkAsync("shared-net", auto: false);
        await InsertNetworkAsync("auto-net", auto: true);
        await InsertSubnetworkAsync("mlflow-subnet", "10.10.0.0/24");

        var (refused, refusal) = await CallAsync(HttpMethod.Delete, Global + "networks/shared-net");
        var (deleted, _) = await CallAsync(HttpMethod.Delete, Global + "networks/auto-net");
        var (_, europe) = await CallAsync(HttpMethod.Get, Europe + "subnetworks");

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("projects/mlflow-demo/regions/europe-west1/subnetworks/mlflow-subnet", ErrorMessage(refusal));
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(new[] { "mlflow-subnet" }, Names(europe));
    }

    [Fact]
    public async Task The_iam_policy_of_a_subnetwork_is_set_with_its_etag_and_read_back()
    {
        await InsertNetworkAsync("shared-net", auto: false);
        await InsertSubnetworkAsync("mlflow-subnet", "10.10.0.0/24");
        const string agent = "serviceAccount:service-1@gae-api-prod.google.com.iam.gserviceaccount.com";

        var (_, empty) = await CallAsync(HttpMethod.Get, Europe + "subnetworks/mlflow-subnet/getIamPolicy?optionsRequestedPolicyVersion=3");
        var set = $$$"""{"policy": {"bindings": [{"role": "roles/compute.networkUser", "members": ["{{{agent}}}"]}], "etag": "{{{empty["etag"]}}}"}}""";
        var (setStatus, _) = await CallAsync(HttpMethod.Post, Europe + "subnetworks/mlflow-subnet/setIamPolicy", set);
        var (stale, _) = await CallAsync(HttpMethod.Post, Europe + "subnetworks/mlflow-subnet/setIamPolicy", set);
        var (_, policy) = await CallAsync(HttpMethod.Get, Europe + "subnetworks/mlflow-subnet/getIamPolicy");

        Assert.Null(empty["bindings"]);
        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal(agent, policy["bindings"]![0]!["members"]![0]!.GetValue<string>());
        lock (Host.State.Gate)
        {
            var subnetwork = Host.State.ApiState<ComputeState>().Subnetworks[(Project, "europe-west1", "mlflow-subnet")];
            Assert.True(subnetwork.Policy.Grants(agent, "compute.subnetworks.use"));
        }
    }
}
