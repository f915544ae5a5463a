using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>
/// CI systems hand out subject tokens that expire in minutes and rewrite the file: every token refresh must read
/// the file again rather than reuse the first token.
/// </summary>
public sealed class FederatedTokenRefreshTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("oneclickmlflow-wif-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Each_refresh_sends_the_subject_token_currently_in_the_file()
    {
        // Short-lived federated tokens force a refresh before every call.
        using var server = new ScriptedServer((_, path) => path.StartsWith("/sts/")
            ? (200, """{"access_token": "federated", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token", "token_type": "Bearer", "expires_in": 1}""")
            : (200, """{"projectId": "proj-one", "projectNumber": "1234"}"""));
        var subjectFile = Path.Combine(directory, "oidc-token");
        File.WriteAllText(subjectFile, "first-oidc-token");
        var credentialFile = Path.Combine(directory, "wif.json");
        File.WriteAllText(credentialFile, new JsonObject
        {
            ["type"] = "external_account",
            ["audience"] = "//iam.googleapis.com/projects/1234/locations/global/workloadIdentityPools/ci/providers/oidc",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["token_url"] = "https://sts.googleapis.com/v1/token",
            ["credential_source"] = new JsonObject { ["file"] = subjectFile },
        }.ToJsonString());
        using var session = await GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["CLOUDSDK_CONFIG"] = directory,
                ["CLOUDSDK_CORE_PROJECT"] = "proj-one",
                ["GOOGLE_APPLICATION_CREDENTIALS"] = credentialFile,
                ["CLOUDSDK_API_ENDPOINT_OVERRIDES_STS"] = server.BaseUri + "sts/",
                ["CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER"] = server.BaseUri + "crm/",
            },
        }, CancellationToken.None);

        await session.ResourceManager.GetProjectAsync("proj-one", CancellationToken.None);
        File.WriteAllText(subjectFile, "second-oidc-token");
        await session.ResourceManager.GetProjectAsync("proj-one", CancellationToken.None);

        var exchanges = server.Requests.Select((r, i) => (r, server.Bodies[i])).Where(x => x.r.StartsWith("POST /sts/v1/token")).ToList();
        Assert.Equal(2, exchanges.Count);
        Assert.Contains("subject_token=first-oidc-token", exchanges[0].Item2);
        Assert.Contains("subject_token=second-oidc-token", exchanges[1].Item2);
    }
}
