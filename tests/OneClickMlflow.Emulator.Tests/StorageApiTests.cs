using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class StorageApiTests : PlatformTestBase
{
    private const string Buckets = "storage/storage/v1/b";
    private const string ArtifactsBucket = """
        {"name": "mlflow-demo-artifacts", "location": "europe-west1", "storageClass": "STANDARD",
         "labels": {"app": "mlflow"}, "versioning": {"enabled": true},
         "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": true}, "publicAccessPrevention": "enforced"}}
        """;

    private Task<(HttpStatusCode Status, JsonObject Body)> CreateAsync(string body = ArtifactsBucket, string project = Project) =>
        CallAsync(HttpMethod.Post, $"{Buckets}?project={project}", body);

    [Fact]
    public async Task A_private_bucket_is_created_and_read_back_as_Google_shows_it()
    {
        var (status, created) = await CreateAsync();
        var (_, read) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts");
        var (_, list) = await CallAsync(HttpMethod.Get, Buckets + "?project=" + Project);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("storage#bucket", read["kind"]!.GetValue<string>());
        Assert.Equal("EUROPE-WEST1", read["location"]!.GetValue<string>());
        Assert.Equal("region", read["locationType"]!.GetValue<string>());
        Assert.Equal(ProjectNumber.ToString(), read["projectNumber"]!.GetValue<string>());
        Assert.Equal("1", read["metageneration"]!.GetValue<string>());
        Assert.True(read["iamConfiguration"]!["uniformBucketLevelAccess"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("enforced", read["iamConfiguration"]!["publicAccessPrevention"]!.GetValue<string>());
        Assert.True(read["versioning"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("mlflow", read["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("604800", read["softDeletePolicy"]!["retentionDurationSeconds"]!.GetValue<string>());
        Assert.Equal(created["etag"]!.GetValue<string>(), read["etag"]!.GetValue<string>());
        Assert.Equal(new[] { "mlflow-demo-artifacts" }, list["items"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bucket_names_follow_Googles_rules()
    {
        string[] invalid = { "ab", "Upper-case", "-leading", "trailing-", "goog-bucket", "my-google-bucket", "192.168.1.1", new string('a', 64) };
        string[] valid = { "abc", "a_b-c.d", "0-starts-with-digit" };

        foreach (var name in invalid)
        {
            var (status, body) = await CreateAsync($$"""{"name": "{{name}}"}""");
            Assert.True(status == HttpStatusCode.BadRequest, name);
            Assert.Equal($"Invalid bucket name: '{name}'", ErrorMessage(body));
        }
        foreach (var name in valid)
        {
            var (status, _) = await CreateAsync($$"""{"name": "{{name}}"}""");
            Assert.True(status == HttpStatusCode.OK, name);
        }
    }

    [Fact]
    public async Task An_existing_name_is_409_with_the_message_that_says_whose_it_is()
    {
        Host.State.AddProject("other-project");
        Host.State.Grant("other-project", "roles/owner", "serviceAccount:deployer@mlflow-demo.iam.gserviceaccount.com");
        await CreateAsync();

        var (ownStatus, own) = await CreateAsync();
        var (otherStatus, other) = await CreateAsync(project: "other-project");

        Assert.Equal(HttpStatusCode.Conflict, ownStatus);
        Assert.Equal("Your previous request to create the named bucket succeeded and you already own it.", ErrorMessage(own));
        Assert.Equal("conflict", LegacyReason(own));
        Assert.Equal(HttpStatusCode.Conflict, otherStatus);
        Assert.StartsWith("The requested bucket name is not available.", ErrorMessage(other));
    }

    [Fact]
    public async Task Unknown_fields_bad_locations_and_bad_settings_are_refused()
    {
        var (unknownStatus, unknown) = await CreateAsync("""{"name": "bkt-one", "versioning": {"on": true}}""");
        var (locationStatus, location) = await CreateAsync("""{"name": "bkt-one", "location": "mars-north1"}""");
        var (preventionStatus, _) = await CreateAsync("""{"name": "bkt-one", "iamConfiguration": {"publicAccessPrevention": "always"}}""");
        var (softDeleteStatus, _) = await CreateAsync("""{"name": "bkt-one", "softDeletePolicy": {"retentionDurationSeconds": "3600"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Equal("Invalid JSON payload received. Unknown name \"on\" at 'versioning': Cannot find field.", ErrorMessage(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, locationStatus);
        Assert.Equal("The specified location constraint is not valid.", ErrorMessage(location));
        Assert.Equal(HttpStatusCode.BadRequest, preventionStatus);
        Assert.Equal(HttpStatusCode.BadRequest, softDeleteStatus);
        Assert.Empty(Host.State.ApiState<OneClickMlflow.Emulator.Apis.StorageState>().Buckets);
    }

    [Fact]
    public async Task Patch_merges_settings_removes_null_labels_and_bumps_the_metageneration()
    {
        await CreateAsync();

        var (status, patched) = await CallAsync(HttpMethod.Patch, Buckets + "/mlflow-demo-artifacts",
            """{"labels": {"app": null, "env": "prod"}, "softDeletePolicy": {"retentionDurationSeconds": "0"}}""");
        var (staleStatus, stale) = await CallAsync(HttpMethod.Patch, Buckets + "/mlflow-demo-artifacts?ifMetagenerationMatch=1",
            """{"labels": {"x": "y"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", patched["metageneration"]!.GetValue<string>());
        Assert.Equal("CAI=", patched["etag"]!.GetValue<string>());
        Assert.Equal("""{"env":"prod"}""", patched["labels"]!.ToJsonString());
        Assert.Equal("0", patched["softDeletePolicy"]!["retentionDurationSeconds"]!.GetValue<string>());
        Assert.True(patched["versioning"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("enforced", patched["iamConfiguration"]!["publicAccessPrevention"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleStatus);
        Assert.Equal("conditionNotMet", LegacyReason(stale));
    }

    [Fact]
    public async Task A_bucket_with_objects_cannot_be_deleted_until_it_is_empty()
    {
        await CreateAsync();
        var upload = await SendAsync(HttpMethod.Post,
            "storage/upload/storage/v1/b/mlflow-demo-artifacts/o?uploadType=media&name=" + System.Uri.EscapeDataString("1/run/model.pkl"),
            await DeployerTokenAsync(), "model bytes");
        var uploaded = await ReadJsonAsync(upload);

        var (_, objects) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/o");
        var (_, folders) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/o?delimiter=/&prefix=1/");
        var (notEmptyStatus, notEmpty) = await CallAsync(HttpMethod.Delete, Buckets + "/mlflow-demo-artifacts");
        var media = await SendAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/o/1%2Frun%2Fmodel.pkl?alt=media", await DeployerTokenAsync());
        var (staleGenerationStatus, _) = await CallAsync(HttpMethod.Delete, Buckets + "/mlflow-demo-artifacts/o/1%2Frun%2Fmodel.pkl?generation=1");
        var (deleteObjectStatus, _) = await CallAsync(HttpMethod.Delete,
            Buckets + "/mlflow-demo-artifacts/o/1%2Frun%2Fmodel.pkl?generation=" + uploaded["generation"]!.GetValue<string>());
        var (deleteStatus, _) = await CallAsync(HttpMethod.Delete, Buckets + "/mlflow-demo-artifacts");
        var (goneStatus, gone) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts");

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal("11", uploaded["size"]!.GetValue<string>());
        Assert.Equal("1/run/model.pkl", objects["items"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("""["1/run/"]""", folders["prefixes"]!.ToJsonString());
        Assert.Null(folders["items"]);
        Assert.Equal(HttpStatusCode.Conflict, notEmptyStatus);
        Assert.Equal("The bucket you tried to delete is not empty.", ErrorMessage(notEmpty));
        Assert.Equal("model bytes", Encoding.UTF8.GetString(await media.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.NotFound, staleGenerationStatus);
        Assert.Equal(HttpStatusCode.NoContent, deleteObjectStatus);
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        Assert.Equal("The specified bucket does not exist.", ErrorMessage(gone));
    }

    [Fact]
    public async Task Bucket_iam_is_read_modify_write_and_a_stale_etag_is_412()
    {
        await CreateAsync();
        var (_, policy) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/iam");
        var etag = policy["etag"]!.GetValue<string>();
        policy["bindings"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "roles/storage.objectAdmin",
            ["members"] = new JsonArray("serviceAccount:mlflow-server@mlflow-demo.iam.gserviceaccount.com"),
        });

        var (setStatus, set) = await CallAsync(HttpMethod.Put, Buckets + "/mlflow-demo-artifacts/iam", policy.ToJsonString());
        var (staleStatus, stale) = await CallAsync(HttpMethod.Put, Buckets + "/mlflow-demo-artifacts/iam", policy.ToJsonString());

        Assert.Equal("storage#policy", policy["kind"]!.GetValue<string>());
        Assert.Equal("projects/_/buckets/mlflow-demo-artifacts", policy["resourceId"]!.GetValue<string>());
        Assert.Contains(policy["bindings"]!.AsArray(), b => b!["role"]!.GetValue<string>() == "roles/storage.legacyBucketOwner"
            && b["members"]!.AsArray().Any(m => m!.GetValue<string>() == "projectOwner:mlflow-demo"));
        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.NotEqual(etag, set["etag"]!.GetValue<string>());
        Assert.Contains(set["bindings"]!.AsArray(), b => b!["role"]!.GetValue<string>() == "roles/storage.objectAdmin");
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleStatus);
        Assert.Equal("conditionNotMet", LegacyReason(stale));
    }

    [Fact]
    public async Task Bucket_grants_give_their_holder_access_to_that_bucket_only()
    {
        const string pusher = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";
        await CreateAsync();
        await CreateAsync("""{"name": "other-bucket"}""");
        var (_, policy) = await CallAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/iam");
        policy["bindings"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "roles/storage.objectViewer",
            ["members"] = new JsonArray("serviceAccount:" + pusher),
        });
        await CallAsync(HttpMethod.Put, Buckets + "/mlflow-demo-artifacts/iam", policy.ToJsonString());
        var token = await AccessTokenAsync(IssueKey(pusher));

        var granted = await ReadJsonAsync(await SendAsync(HttpMethod.Get,
            Buckets + "/mlflow-demo-artifacts/iam/testPermissions?permissions=storage.objects.list&permissions=storage.objects.delete", token));
        var listHere = await SendAsync(HttpMethod.Get, Buckets + "/mlflow-demo-artifacts/o", token);
        var listThere = await SendAsync(HttpMethod.Get, Buckets + "/other-bucket/o", token);

        Assert.Equal(new[] { "storage.objects.list" }, granted["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, listHere.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listThere.StatusCode);
    }
}
