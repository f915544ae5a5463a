using System;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The endpoint overrides the platform APIs export, and where a request to each lands.</summary>
public sealed class PlatformEnvironmentTests : PlatformTestBase
{
    [Theory]
    [InlineData("COMPUTE", "compute/compute/v1/", "projects/mlflow-demo/global/networks", "compute")]
    [InlineData("STORAGE", "storage/storage/v1/", "b?project=mlflow-demo", "storage")]
    [InlineData("SERVICENETWORKING", "servicenetworking/", "v1/operations/absent", "servicenetworking")]
    [InlineData("IAM", "iam/", "v1/projects/mlflow-demo/serviceAccounts", "iam")]
    public async Task Each_override_is_a_base_url_that_clients_append_their_paths_to(
        string api, string expectedSuffix, string clientPath, string loggedApi)
    {
        EnableServices("compute.googleapis.com");
        var overrideUrl = Host.Environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_" + api];

        var (status, body) = await CallAsync(System.Net.Http.HttpMethod.Get, new Uri(new Uri(overrideUrl), clientPath).PathAndQuery.TrimStart('/'));

        Assert.Equal(new Uri(Host.BaseUri, expectedSuffix).ToString(), overrideUrl);
        Assert.NotEqual(System.Net.HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("was not found on this server", body.ToJsonString()); // a route answered, not the fallback
        Assert.Equal(loggedApi, Assert.Single(Host.Requests, r => r.Api == loggedApi).Api);
    }
}
