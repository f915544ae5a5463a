using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

public sealed class ArtifactRegistryTests : PlatformTestBase
{
    private const string Location = "artifactregistry/v1/projects/mlflow-demo/locations/europe-west1";
    private const string Docker = """{"format": "DOCKER", "mode": "STANDARD_REPOSITORY", "labels": {"oneclick-mlflow": "mlflow"}, "description": "images"}""";

    private readonly ITestOutputHelper output;

    public ArtifactRegistryTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    private async Task<JsonObject> CreateAsync(string id, string body = Docker)
    {
        EnableServices(ArtifactRegistryApi.Service);
        var (status, operation) = await CallAsync(HttpMethod.Post, $"{Location}/repositories?repositoryId={id}", body);
        Assert.True(status == HttpStatusCode.OK, operation.ToJsonString());
        return operation;
    }

    [Fact]
    public async Task A_created_repository_is_an_operation_then_gets_and_lists_with_its_registry_uri()
    {
        var operation = await CreateAsync("mlflow");

        var (_, repository) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/mlflow");
        var (_, list) = await CallAsync(HttpMethod.Get, $"{Location}/repositories");
        var (_, polled) = await CallAsync(HttpMethod.Get, "artifactregistry/v1/" + operation["name"]!.GetValue<string>());

        Assert.StartsWith("projects/mlflow-demo/locations/europe-west1/operations/", operation["name"]!.GetValue<string>());
        Assert.True(polled["done"]!.GetValue<bool>());
        Assert.Equal("type.googleapis.com/google.devtools.artifactregistry.v1.Repository", polled["response"]!["@type"]!.GetValue<string>());
        Assert.Equal("projects/mlflow-demo/locations/europe-west1/repositories/mlflow", repository["name"]!.GetValue<string>());
        Assert.Equal("europe-west1-docker.pkg.dev/mlflow-demo/mlflow", repository["registryUri"]!.GetValue<string>());
        Assert.Equal("DOCKER", repository["format"]!.GetValue<string>());
        Assert.Equal("mlflow", repository["labels"]!["oneclick-mlflow"]!.GetValue<string>());
        Assert.Equal("mlflow", list["repositories"]!.AsArray().Single()!["name"]!.GetValue<string>().Split('/')[^1]);
    }

    [Fact]
    public async Task An_operation_is_running_until_its_latency_has_passed()
    {
        Host.State.Latency.Set(LatencySettings.Realistic, 0.2);

        var operation = await CreateAsync("slow");
        var (status, _) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/slow");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var (_, polled) = await CallAsync(HttpMethod.Get, "artifactregistry/v1/" + operation["name"]!.GetValue<string>());

        Assert.Null(operation["done"]);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.True(polled["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_second_create_is_refused_as_already_existing()
    {
        await CreateAsync("mlflow");

        var (status, error) = await CallAsync(HttpMethod.Post, $"{Location}/repositories?repositoryId=mlflow", Docker);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("ALREADY_EXISTS", ErrorStatus(error));
    }

    [Theory]
    [InlineData("repositories?repositoryId=Bad_Id", Docker, "Invalid repository ID")]
    [InlineData("repositories?repositoryId=ends-with-", Docker, "Invalid repository ID")]
    [InlineData("repositories?repositoryId=ok", """{"mode": "STANDARD_REPOSITORY"}""", "format must be specified")]
    [InlineData("repositories?repositoryId=ok", """{"format": "DOCKER", "colour": "red"}""", "Unknown name \"colour\"")]
    public async Task Bad_ids_a_missing_format_and_unknown_fields_are_refused(string path, string body, string message)
    {
        EnableServices(ArtifactRegistryApi.Service);

        var (status, error) = await CallAsync(HttpMethod.Post, $"{Location}/{path}", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, ErrorMessage(error));
    }

    [Fact]
    public async Task A_repository_id_of_64_characters_is_refused_and_63_accepted()
    {
        EnableServices(ArtifactRegistryApi.Service);

        var (tooLong, _) = await CallAsync(HttpMethod.Post, $"{Location}/repositories?repositoryId=a{new string('b', 63)}", Docker);
        var (longest, _) = await CallAsync(HttpMethod.Post, $"{Location}/repositories?repositoryId=a{new string('b', 62)}", Docker);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Equal(HttpStatusCode.OK, longest);
    }

    [Fact]
    public async Task An_unknown_location_is_a_bad_request_and_a_disabled_api_is_refused()
    {
        var (disabled, disabledError) = await CallAsync(HttpMethod.Get, $"{Location}/repositories");
        EnableServices(ArtifactRegistryApi.Service);
        var (status, error) = await CallAsync(HttpMethod.Post,
            "artifactregistry/v1/projects/mlflow-demo/locations/moon-base1/repositories?repositoryId=mlflow", Docker);

        Assert.Equal(HttpStatusCode.Forbidden, disabled);
        Assert.Equal("PERMISSION_DENIED", ErrorStatus(disabledError));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("moon-base1", ErrorMessage(error));
    }

    [Fact]
    public async Task Patch_replaces_the_labels_and_delete_removes_the_repository_through_an_operation()
    {
        await CreateAsync("mlflow");

        var (_, patched) = await CallAsync(HttpMethod.Patch, $"{Location}/repositories/mlflow?updateMask=labels",
            """{"labels": {"team": "data"}}""");
        var (_, deletion) = await CallAsync(HttpMethod.Delete, $"{Location}/repositories/mlflow");
        var (status, _) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/mlflow");

        Assert.Equal("data", patched["labels"]!["team"]!.GetValue<string>());
        Assert.Null(patched["labels"]!["oneclick-mlflow"]);
        Assert.Equal("images", patched["description"]!.GetValue<string>());
        Assert.True(deletion["done"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Gcloud_creates_waits_for_lists_and_describes_repositories()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        await CreateAsync("mlflow");
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        await gcloud.RunAsync("artifacts", "repositories", "create", "other", "--repository-format=docker",
            "--location=europe-west1", "--labels=team=data");
        var list = JsonNode.Parse(await gcloud.RunAsync("artifacts", "repositories", "list", "--location=europe-west1", "--format=json"))!.AsArray();
        var described = JsonNode.Parse(await gcloud.RunAsync("artifacts", "repositories", "describe", "mlflow",
            "--location=europe-west1", "--format=json"))!;

        Assert.Equal(new[] { "mlflow", "other" }, list.Select(r => r!["name"]!.GetValue<string>().Split('/')[^1]).ToArray());
        Assert.Equal("data", list[1]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("europe-west1-docker.pkg.dev/mlflow-demo/mlflow", described["registryUri"]!.GetValue<string>());
        Assert.Equal("DOCKER", described["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_repository_policy_is_read_with_a_get_and_the_version_in_the_query_and_written_with_its_etag()
    {
        await CreateAsync("mlflow");
        const string Reader = """{"policy": {"bindings": [{"role": "roles/artifactregistry.reader", "members": ["serviceAccount:server@mlflow-demo.iam.gserviceaccount.com"]}], "etag": "ETAG"}}""";

        var (_, before) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/mlflow:getIamPolicy?options.requestedPolicyVersion=3");
        var (setStatus, set) = await CallAsync(HttpMethod.Post, $"{Location}/repositories/mlflow:setIamPolicy",
            Reader.Replace("ETAG", before["etag"]!.GetValue<string>(), StringComparison.Ordinal));
        var (staleStatus, _) = await CallAsync(HttpMethod.Post, $"{Location}/repositories/mlflow:setIamPolicy",
            Reader.Replace("ETAG", before["etag"]!.GetValue<string>(), StringComparison.Ordinal));
        var (badVersionStatus, _) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/mlflow:getIamPolicy?options.requestedPolicyVersion=2");
        var (missingStatus, _) = await CallAsync(HttpMethod.Get, $"{Location}/repositories/absent:getIamPolicy");

        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.Equal("roles/artifactregistry.reader", set["bindings"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, staleStatus);
        Assert.Equal(HttpStatusCode.BadRequest, badVersionStatus);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Gcloud_grants_and_reads_back_a_repository_policy()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        await CreateAsync("mlflow");
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        await gcloud.RunAsync("artifacts", "repositories", "add-iam-policy-binding", "mlflow", "--location=europe-west1",
            "--member=serviceAccount:server@mlflow-demo.iam.gserviceaccount.com", "--role=roles/artifactregistry.reader");
        var policy = JsonNode.Parse(await gcloud.RunAsync("artifacts", "repositories", "get-iam-policy", "mlflow",
            "--location=europe-west1", "--format=json"))!;

        var binding = Assert.Single(policy["bindings"]!.AsArray())!;
        Assert.Equal("roles/artifactregistry.reader", binding["role"]!.GetValue<string>());
        Assert.Equal("serviceAccount:server@mlflow-demo.iam.gserviceaccount.com", binding["members"]![0]!.GetValue<string>());
    }
}
