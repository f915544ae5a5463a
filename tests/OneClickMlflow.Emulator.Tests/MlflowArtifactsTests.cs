using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using System.Xml.Linq;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// Artifacts behind the front door: App Engine's 32 MB request limit, MLflow's multipart uploads with V4 signed URLs
/// straight to the bucket (the XML API), and MLflow's answer when multipart is off.
/// </summary>
public sealed class MlflowArtifactsTests : AppEngineTestBase
{
    private const string Bucket = "mlflow-demo-artifacts";
    private const int MiB = 1024 * 1024;

    /// <summary>An IAP-guarded app whose server stores artifacts in <see cref="Bucket"/>; returns its host and a pusher token.</summary>
    private async Task<(string Host, string Token)> DeployAsync(bool multipart = true, bool serverSignsAsItself = true)
    {
        await CreateAppAsync();
        SeedNetworkAndAccount();
        var version = JsonNode.Parse(FlexVersion("v1"))!.AsObject();
        var environment = version["envVariables"]!.AsObject();
        environment[MlflowServerSettings.ArtifactDestinationVariable] = "gs://" + Bucket;
        environment[MlflowServerSettings.MultipartVariable] = multipart ? "true" : "false";
        lock (Host.State.Gate)
        {
            var project = Host.State.GetProject(Project);
            var bucket = new StorageBucket
            {
                Name = Bucket, ProjectId = Project, ProjectNumber = project.ProjectNumber, Created = DateTimeOffset.UtcNow,
                Location = "EUROPE-WEST1", LocationType = "region",
            };
            bucket.Policy.AddBinding("roles/storage.objectAdmin", "serviceAccount:" + ServerAccount);
            Host.State.ApiState<StorageState>().Buckets[Bucket] = bucket;
        }
        var (deployed, body) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", version.ToJsonString());
        Assert.True(deployed == HttpStatusCode.OK, body.ToJsonString());
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        var host = await DefaultHostnameAsync();
        if (serverSignsAsItself)
        {
            Host.State.FindServiceAccount(ServerAccount)!.Policy.AddBinding("roles/iam.serviceAccountTokenCreator", "serviceAccount:" + ServerAccount);
        }
        await LetPusherThroughIapAsync();
        return (host, await SignedJwtAsync($"https://{host}/*"));
    }

    private Task<HttpResponseMessage> MlflowAsync(string host, HttpMethod method, string path, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, $"appspot/{host}/{path}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<JsonObject> CreateUploadAsync(string host, string token, int parts)
    {
        var created = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow-artifacts/mpu/create/1/run/artifacts/model", token,
            Json($$"""{"path": "/home/me/weights.bin", "num_parts": {{parts}}}"""));
        Assert.True(created.StatusCode == HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        return await ReadJsonAsync(created);
    }

    private async Task<HttpResponseMessage> PutPartAsync(string url, byte[] content) =>
        await Http.PutAsync(url, new ByteArrayContent(content)); // no bearer token: the signature is the authority

    [Fact]
    public async Task A_request_over_32_MiB_is_refused_with_googles_413_page_and_one_of_32_MiB_reaches_the_server()
    {
        var (host, token) = await DeployAsync();
        var largest = Bytes(32 * MiB, 1);

        var atLimit = await MlflowAsync(host, HttpMethod.Put, "api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/at-limit.bin", token, new ByteArrayContent(largest));
        var over = await MlflowAsync(host, HttpMethod.Put, "api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/over.bin", token,
            new ByteArrayContent(new byte[32 * MiB + 1]));
        var chunkedOver = await MlflowAsync(host, HttpMethod.Put, "api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/chunked.bin", token,
            new StreamContent(new UnknownLengthStream(new byte[40 * MiB])));
        var read = await MlflowAsync(host, HttpMethod.Get, "api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/at-limit.bin", token);

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains("Your client issued a request that was too large.", await over.Content.ReadAsStringAsync());
        Assert.Equal("text/html", over.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedOver.StatusCode);
        Assert.Equal(SHA256.HashData(largest), SHA256.HashData(await read.Content.ReadAsByteArrayAsync()));
        lock (Host.State.Gate)
        {
            var stored = Host.State.ApiState<StorageState>().Buckets[Bucket].Objects.Keys;
            Assert.DoesNotContain("1/run/artifacts/over.bin", stored);
            Assert.DoesNotContain("1/run/artifacts/chunked.bin", stored);
        }
    }

    [Fact]
    public async Task A_multipart_upload_sends_parts_to_signed_urls_of_the_server_account_and_joins_them_in_the_bucket()
    {
        var (host, token) = await DeployAsync();
        var created = await CreateUploadAsync(host, token, 3);
        var parts = new[] { Bytes(5 * MiB, 1), Bytes(5 * MiB, 2), Bytes(MiB, 3) };

        var etags = new JsonArray();
        foreach (var credential in created["credentials"]!.AsArray())
        {
            var url = new Uri(credential!["url"]!.GetValue<string>());
            var number = credential["part_number"]!.GetValue<int>();
            Assert.StartsWith($"/storage/{Bucket}/1/run/artifacts/model/weights.bin", url.AbsolutePath);
            Assert.Contains("X-Goog-Credential=" + Uri.EscapeDataString(ServerAccount + "/"), url.Query);
            var put = await PutPartAsync(url.AbsoluteUri, parts[number - 1]);
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            etags.Add(new JsonObject { ["part_number"] = number, ["etag"] = put.Headers.ETag!.Tag });
        }
        var complete = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow-artifacts/mpu/complete/1/run/artifacts/model", token,
            Json(new JsonObject { ["path"] = "weights.bin", ["upload_id"] = created["upload_id"]!.DeepClone(), ["parts"] = etags }.ToJsonString()));
        var read = await MlflowAsync(host, HttpMethod.Get, "api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/model/weights.bin", token);

        Assert.Equal(3, created["credentials"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.Equal(parts.SelectMany(p => p).ToArray(), await read.Content.ReadAsByteArrayAsync());
        lock (Host.State.Gate)
        {
            Assert.Empty(Host.State.ApiState<StorageUploadsState>().Uploads);
        }
    }

    [Fact]
    public async Task A_signed_url_used_for_another_part_another_method_or_after_it_expires_is_refused()
    {
        var (host, token) = await DeployAsync();
        var created = await CreateUploadAsync(host, token, 1);
        var url = created["credentials"]![0]!["url"]!.GetValue<string>();

        var otherPart = await PutPartAsync(url.Replace("partNumber=1", "partNumber=2"), Bytes(10, 1));
        var read = await Http.GetAsync(url);
        var bearerOnly = await SendAsync(HttpMethod.Put, url.Split('?')[0] + "?partNumber=1&uploadId=" + created["upload_id"], await DeployerTokenAsync());
        var expiring = StorageSignedUrl.Sign(Host.State, Host.State.Keys.ManagedKeyFor(ServerAccount), "PUT", Bucket, "1/run/artifacts/model/weights.bin",
            new System.Collections.Generic.Dictionary<string, string> { ["partNumber"] = "1", ["uploadId"] = created["upload_id"]!.GetValue<string>() },
            TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var expired = await PutPartAsync(expiring, Bytes(10, 1));

        Assert.Equal(HttpStatusCode.Forbidden, otherPart.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", XmlErrorCode(await otherPart.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearerOnly.StatusCode); // the deployer holds storage.objects.create through its project role
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Equal("ExpiredToken", XmlErrorCode(await expired.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Completing_with_a_wrong_etag_fails_and_an_aborted_upload_takes_no_more_parts()
    {
        var (host, token) = await DeployAsync();
        var created = await CreateUploadAsync(host, token, 1);
        var url = created["credentials"]![0]!["url"]!.GetValue<string>();
        await PutPartAsync(url, Bytes(10, 1));
        var uploadId = created["upload_id"]!.GetValue<string>();
        var objectUrl = url.Split('?')[0];
        var deployer = await DeployerTokenAsync();

        var wrongEtag = await SendXmlAsync(HttpMethod.Post, $"{objectUrl}?uploadId={uploadId}", deployer,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"0000\"</ETag></Part></CompleteMultipartUpload>");
        var aborted = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow-artifacts/mpu/abort/1/run/artifacts/model", token,
            Json($$"""{"path": "weights.bin", "upload_id": "{{uploadId}}"}"""));
        var afterAbort = await PutPartAsync(url, Bytes(10, 1));

        Assert.Equal(HttpStatusCode.BadRequest, wrongEtag.StatusCode);
        Assert.Equal("InvalidPart", XmlErrorCode(await wrongEtag.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterAbort.StatusCode);
        Assert.Equal("NoSuchUpload", XmlErrorCode(await afterAbort.Content.ReadAsStringAsync()));
        lock (Host.State.Gate)
        {
            Assert.Empty(Host.State.ApiState<StorageState>().Buckets[Bucket].Objects);
        }
    }

    [Fact]
    public async Task Without_multipart_enabled_the_server_answers_mlflows_501_so_the_client_falls_back()
    {
        var (host, token) = await DeployAsync(multipart: false);

        var create = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow-artifacts/mpu/create/1/run/artifacts", token,
            Json("""{"path": "weights.bin", "num_parts": 2}"""));
        var error = await ReadJsonAsync(create);

        Assert.Equal(HttpStatusCode.NotImplemented, create.StatusCode);
        Assert.Equal("NOT_IMPLEMENTED", error["error_code"]!.GetValue<string>());
        Assert.Equal("Multipart upload is not supported for the current artifact repository", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_server_account_that_cannot_sign_as_itself_fails_the_upload_with_a_server_error()
    {
        var (host, token) = await DeployAsync(serverSignsAsItself: false);

        var create = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow-artifacts/mpu/create/1/run/artifacts", token,
            Json("""{"path": "weights.bin", "num_parts": 2}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, create.StatusCode);
        lock (Host.State.Gate)
        {
            Assert.Empty(Host.State.ApiState<StorageUploadsState>().Uploads);
        }
    }

    private async Task<HttpResponseMessage> SendXmlAsync(HttpMethod method, string url, string token, string xml)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    private static string XmlErrorCode(string xml) => XDocument.Parse(xml).Root!.Element("Code")!.Value;

    /// <summary>A body sent chunked: its length is not known up front.</summary>
    private sealed class UnknownLengthStream(byte[] content) : System.IO.MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
