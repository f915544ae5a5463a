using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class ImpersonationTests : EmulatorTestBase
{
    private const string Pusher = "mlflow-log-pusher@mlflow-demo.iam.gserviceaccount.com";
    private const string Credentials = "iamcredentials/v1/projects/-/serviceAccounts/";

    [Fact]
    public async Task Generate_access_token_without_token_creator_is_denied_with_Googles_message()
    {
        Host.State.AddServiceAccount(Pusher);
        var token = await UserTokenAsync("bob@example.com");

        var response = await SendAsync(HttpMethod.Post, Credentials + Pusher + ":generateAccessToken", token,
            """{"scope": ["https://www.googleapis.com/auth/cloud-platform"]}""");
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("PERMISSION_DENIED", ErrorStatus(body));
        Assert.Equal("Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).", ErrorMessage(body));
    }

    [Fact]
    public async Task Token_creator_on_the_account_can_impersonate_it()
    {
        var account = Host.State.AddServiceAccount(Pusher);
        account.Policy.AddBinding("roles/iam.serviceAccountTokenCreator", "user:bob@example.com");
        var token = await UserTokenAsync("bob@example.com");

        var response = await SendAsync(HttpMethod.Post, Credentials + Pusher + ":generateAccessToken", token,
            """{"scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "600s"}""");
        var impersonated = (await ReadJsonAsync(response))["accessToken"]!.GetValue<string>();
        await SendAsync(HttpMethod.Get, "cloudresourcemanager/v1/projects/mlflow-demo", impersonated);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Pusher, Host.Requests[^1].Principal);
    }

    [Fact]
    public async Task Sign_jwt_signs_the_payload_with_a_key_of_the_account()
    {
        Host.State.AddServiceAccount(Pusher);
        Host.State.Grant(Project, "roles/iam.serviceAccountTokenCreator", "user:carol@example.com");
        var token = await UserTokenAsync("carol@example.com");
        var payload = new JsonObject { ["iss"] = Pusher, ["sub"] = Pusher, ["aud"] = "https://mlflow.example.com/*" };

        var response = await SendAsync(HttpMethod.Post, Credentials + Pusher + ":signJwt", token,
            new JsonObject { ["payload"] = payload.ToJsonString() }.ToJsonString());
        var body = await ReadJsonAsync(response);
        var jwt = body["signedJwt"]!.GetValue<string>();
        var key = Host.State.Keys.Find(body["keyId"]!.GetValue<string>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(OneClickMlflow.Emulator.Auth.JwtTools.SignatureValid(jwt, key));
        Assert.Equal(Pusher, new JsonWebToken(jwt).Subject);
    }

    [Fact]
    public async Task Unknown_target_account_is_denied_like_a_forbidden_one()
    {
        var response = await SendAsync(HttpMethod.Post, Credentials + "ghost@mlflow-demo.iam.gserviceaccount.com:generateIdToken",
            await DeployerTokenAsync(), """{"audience": "https://x"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Federated_token_from_sts_impersonates_when_the_principal_is_granted()
    {
        var account = Host.State.AddServiceAccount(Pusher);
        Host.State.Federation.RegisterSubjectToken("github-oidc-token", "repo:octo/mlflow:ref:refs/heads/main");
        var number = Host.State.GetProject(Project).ProjectNumber;
        var member = $"principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/github/subject/repo:octo/mlflow:ref:refs/heads/main";
        account.Policy.AddBinding("roles/iam.workloadIdentityUser", member);

        var exchange = await Http.PostAsync("sts/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["audience"] = $"//iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/github/providers/actions",
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
            ["requested_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["subject_token"] = "github-oidc-token",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        }));
        var federated = (await ReadJsonAsync(exchange))["access_token"]!.GetValue<string>();
        var impersonation = await SendAsync(HttpMethod.Post, Credentials + Pusher + ":generateAccessToken", federated,
            """{"scope": ["https://www.googleapis.com/auth/cloud-platform"]}""");

        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        Assert.Equal(HttpStatusCode.OK, impersonation.StatusCode);
    }

    [Fact]
    public async Task Sts_refuses_an_unknown_subject_token()
    {
        var exchange = await Http.PostAsync("sts/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["audience"] = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/actions",
            ["subject_token"] = "forged",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Equal("invalid_grant", (await ReadJsonAsync(exchange))["error"]!.GetValue<string>());
    }
}
