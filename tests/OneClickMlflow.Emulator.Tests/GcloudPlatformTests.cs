using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI reads back, through its endpoint overrides, what the platform APIs made.</summary>
public sealed class GcloudPlatformTests : PlatformTestBase
{
    private readonly ITestOutputHelper output;

    public GcloudPlatformTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    private async Task MakeAsync(HttpMethod method, string path, string json)
    {
        var (status, body) = await CallAsync(method, path, json);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task Gcloud_lists_the_network_ranges_bucket_and_service_account_made_through_the_apis()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        EnableServices("compute.googleapis.com", "iam.googleapis.com");
        const string global = "compute/compute/v1/projects/mlflow-demo/global/";
        await MakeAsync(HttpMethod.Post, global + "networks", """{"name": "mlflow-net", "autoCreateSubnetworks": true}""");
        await MakeAsync(HttpMethod.Post, global + "addresses", """
            {"name": "mlflow-range", "purpose": "VPC_PEERING", "addressType": "INTERNAL", "prefixLength": 16,
             "network": "projects/mlflow-demo/global/networks/mlflow-net"}
            """);
        await MakeAsync(HttpMethod.Post, "storage/storage/v1/b?project=mlflow-demo", """
            {"name": "mlflow-demo-artifacts", "location": "europe-west1",
             "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": true}, "publicAccessPrevention": "enforced"}}
            """);
        await MakeAsync(HttpMethod.Post, "iam/v1/projects/mlflow-demo/serviceAccounts",
            """{"accountId": "mlflow-server", "serviceAccount": {"displayName": "MLflow server"}}""");
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        var networks = JsonNode.Parse(await gcloud.RunAsync("compute", "networks", "list", "--format=json"))!.AsArray();
        var addresses = JsonNode.Parse(await gcloud.RunAsync("compute", "addresses", "list", "--global", "--format=json"))!.AsArray();
        var bucket = JsonNode.Parse(await gcloud.RunAsync("storage", "buckets", "describe", "gs://mlflow-demo-artifacts", "--format=json"))!;
        var accounts = JsonNode.Parse(await gcloud.RunAsync("iam", "service-accounts", "list", "--format=json"))!.AsArray();

        Assert.Equal("mlflow-net", networks.Single()!["name"]!.GetValue<string>());
        Assert.True(networks.Single()!["autoCreateSubnetworks"]!.GetValue<bool>());
        var range = addresses.Single()!;
        Assert.Equal("mlflow-range", range["name"]!.GetValue<string>());
        Assert.Equal(16, range["prefixLength"]!.GetValue<int>());
        Assert.Equal("VPC_PEERING", range["purpose"]!.GetValue<string>());
        Assert.Equal("EUROPE-WEST1", bucket["location"]!.GetValue<string>());
        Assert.Equal("enforced", bucket["public_access_prevention"]!.GetValue<string>());
        Assert.True(bucket["uniform_bucket_level_access"]!.GetValue<bool>());
        Assert.Contains(accounts, a => a!["email"]!.GetValue<string>() == "mlflow-server@mlflow-demo.iam.gserviceaccount.com"
            && a["displayName"]!.GetValue<string>() == "MLflow server");
    }

    [Fact]
    public async Task Gcloud_creates_a_network_and_waits_for_its_running_operation()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        EnableServices("compute.googleapis.com");
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);
        Host.State.Latency.Set("realistic", 0.04); // 25 s * 0.04 = 1 s: gcloud must wait for the operation

        await gcloud.RunAsync("compute", "networks", "create", "mlflow-net", "--subnet-mode=custom", "--format=json");

        var compute = Host.State.ApiState<OneClickMlflow.Emulator.Apis.ComputeState>();
        lock (Host.State.Gate)
        {
            Assert.False(compute.Networks[(Project, "mlflow-net")].AutoCreateSubnetworks);
        }
        Assert.Contains(Host.Requests, r => r.Api == "compute" && r.Path.Contains("/global/operations/") && r.Status == 200);
    }
}
