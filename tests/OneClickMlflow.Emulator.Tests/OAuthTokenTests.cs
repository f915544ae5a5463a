using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class OAuthTokenTests : EmulatorTestBase
{
    [Fact]
    public async Task Valid_assertion_gets_an_access_token_that_authenticates_api_calls()
    {
        var response = await PostTokenAsync(Assertion(DeployerKey()));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3599, body["expires_in"]!.GetValue<int>());
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        var project = await SendAsync(HttpMethod.Get, $"cloudresourcemanager/v1/projects/{Project}", body["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, project.StatusCode);
    }

    [Fact]
    public async Task Assertion_signed_with_another_key_is_refused()
    {
        var key = DeployerKey();
        var impostor = IssueKey("other@mlflow-demo.iam.gserviceaccount.com");
        key["private_key"] = impostor["private_key"]!.DeepClone();

        var response = await PostTokenAsync(Assertion(key));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Equal("Invalid JWT Signature.", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expired_assertion_is_refused()
    {
        var response = await PostTokenAsync(Assertion(DeployerKey(), issuedAt: DateTimeOffset.UtcNow.AddHours(-3)));
        var body = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Contains("Check your iat and exp values", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assertion_for_another_audience_is_refused()
    {
        var response = await PostTokenAsync(Assertion(DeployerKey(), audience: "https://example.com/token"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await ReadJsonAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Target_audience_gets_an_id_token_verifiable_with_the_published_keys()
    {
        var response = await PostTokenAsync(Assertion(DeployerKey(), targetAudience: "https://mlflow.example.com"));
        var idToken = (await ReadJsonAsync(response))["id_token"]!.GetValue<string>();
        var jwks = await Http.GetStringAsync("oauth2/v3/certs");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = "https://accounts.google.com",
            ValidAudience = "https://mlflow.example.com",
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", result.Claims["email"]);
    }

    [Fact]
    public async Task Authorized_user_refresh_token_gets_an_access_token_for_the_user()
    {
        Host.State.Grant(Project, "roles/viewer", "user:alice@example.com");

        var token = await UserTokenAsync("alice@example.com");
        await SendAsync(HttpMethod.Get, $"cloudresourcemanager/v1/projects/{Project}", token);

        Assert.Equal("alice@example.com", Host.Requests.Last().Principal);
    }

    [Fact]
    public async Task Unknown_refresh_token_is_refused()
    {
        var response = await Http.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "x",
            ["client_secret"] = "y",
            ["refresh_token"] = "1//unknown",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Missing_unknown_or_expired_bearer_tokens_get_Googles_401()
    {
        var token = await DeployerTokenAsync();
        Host.State.Tokens.Expire(token);

        foreach (var bearer in new[] { null, "ya29.unknown", token })
        {
            var response = await SendAsync(HttpMethod.Get, $"serviceusage/v1/projects/{Project}/services", bearer);
            var body = await ReadJsonAsync(response);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("UNAUTHENTICATED", ErrorStatus(body));
            Assert.StartsWith("Request had invalid authentication credentials. Expected OAuth 2 access token", ErrorMessage(body));
        }
    }

    [Fact]
    public async Task Metadata_server_requires_the_flavor_header_and_answers_with_it()
    {
        var without = await Http.GetAsync("computeMetadata/v1/project/project-id");
        using var request = new HttpRequestMessage(HttpMethod.Get, "computeMetadata/v1/instance/service-accounts/default/token");
        request.Headers.Add("Metadata-Flavor", "Google");
        var with = await Http.SendAsync(request);
        var token = (await ReadJsonAsync(with))["access_token"]!.GetValue<string>();
        var call = await SendAsync(HttpMethod.Get, $"cloudresourcemanager/v1/projects/{Project}", token);

        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Equal("Google", with.Headers.GetValues("Metadata-Flavor").Single());
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }
}
