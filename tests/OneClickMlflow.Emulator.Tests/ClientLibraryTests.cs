using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Credentials the emulator issues work with Google.Apis.Auth, the library the module uses.</summary>
public sealed class ClientLibraryTests : EmulatorTestBase
{
    private const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";

    [Fact]
    public async Task Issued_key_file_gets_a_working_access_token_through_Google_Apis_Auth()
    {
        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(Host.ServiceAccountKeyPath)
            .ToGoogleCredential().CreateScoped(CloudPlatform);

        var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync();
        var response = await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Compute_credential_gets_a_token_from_the_metadata_server()
    {
        var credential = new ComputeCredential(new ComputeCredential.Initializer(
            Host.BaseUri + "computeMetadata/v1/instance/service-accounts/default/token"));

        var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync();
        var response = await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", Host.Requests[^1].Principal);
    }

    [Fact]
    public async Task Unscoped_key_file_sends_a_self_signed_jwt_that_the_emulator_accepts()
    {
        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(Host.ServiceAccountKeyPath);
        var target = Host.BaseUri + "cloudresourcemanager/v1/projects/mlflow-demo";
        Host.ClearRequests();

        var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(target);
        var response = await SendAsync(HttpMethod.Get, target, token);

        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(Host.Requests, r => r.Api == "oauth2");
    }

    [Fact]
    public async Task Issued_key_file_gets_an_id_token_through_Google_Apis_Auth()
    {
        var credential = CredentialFactory.FromFile<ServiceAccountCredential>(Host.ServiceAccountKeyPath);

        var oidc = await credential.GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience("https://mlflow.example.com"));
        var jwt = new JsonWebToken(await oidc.GetAccessTokenAsync());

        Assert.Contains("https://mlflow.example.com", jwt.Audiences);
        Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", jwt.GetClaim("email").Value);
    }

    [Fact]
    public async Task File_sourced_external_account_federates_and_impersonates_through_Google_Apis_Auth()
    {
        const string pusher = "mlflow-log-pusher@mlflow-demo.iam.gserviceaccount.com";
        var number = Host.State.GetProject(Project).ProjectNumber;
        var subjectFile = Path.Combine(Path.GetTempPath(), Path.GetRandomFileName());
        await File.WriteAllTextAsync(subjectFile, "oidc-token-from-ci");
        Host.State.Federation.RegisterSubjectToken("oidc-token-from-ci", "repo:octo/mlflow");
        Host.State.AddServiceAccount(pusher).Policy.AddBinding("roles/iam.workloadIdentityUser",
            $"principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/ci/subject/repo:octo/mlflow");
        var json = new JsonObject
        {
            ["type"] = "external_account",
            ["audience"] = $"//iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/ci/providers/oidc",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["token_url"] = Host.BaseUri + "sts/v1/token",
            ["credential_source"] = new JsonObject { ["file"] = subjectFile },
            ["service_account_impersonation_url"] = Host.BaseUri + $"iamcredentials/v1/projects/-/serviceAccounts/{pusher}:generateAccessToken",
        };
        try
        {
            var credential = CredentialFactory.FromJson(json.ToJsonString(), JsonCredentialParameters.ExternalAccountCredentialType)
                .CreateScoped(CloudPlatform);

            var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync();
            await SendAsync(HttpMethod.Get, "iam/v1/projects/mlflow-demo/serviceAccounts/" + pusher, token);

            Assert.Equal(pusher, Host.Requests[^1].Principal);
        }
        finally
        {
            File.Delete(subjectFile);
        }
    }
}
