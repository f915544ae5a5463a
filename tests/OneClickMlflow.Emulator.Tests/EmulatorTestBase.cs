using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Starts an in-process emulator per test class and talks to it over real HTTP.</summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected const string Project = "mlflow-demo";
    protected const string TokenAudience = "https://oauth2.googleapis.com/token";

    protected EmulatorHost Host { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    protected virtual EmulatorOptions Options() => new();

    public async Task InitializeAsync()
    {
        var options = Options();
        Host = await EmulatorHost.StartAsync(options);
        Http = new HttpClient { BaseAddress = Host.BaseUri };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>A key file's JSON for a new service account, made through the emulator.</summary>
    protected JsonObject IssueKey(string email, string project = Project) =>
        JsonNode.Parse(Host.IssueServiceAccountKey(project, email))!.AsObject();

    protected JsonObject DeployerKey() => JsonNode.Parse(System.IO.File.ReadAllText(Host.ServiceAccountKeyPath))!.AsObject();

    /// <summary>A jwt-bearer assertion signed with a key file's private key, as client libraries build it.</summary>
    protected static string Assertion(JsonObject key, DateTimeOffset? issuedAt = null, string? targetAudience = null,
        TimeSpan? lifetime = null, string audience = TokenAudience)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(key["private_key"]!.GetValue<string>());
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = key["client_email"]!.GetValue<string>(),
            ["aud"] = audience,
            ["iat"] = iat.ToUnixTimeSeconds(),
            ["exp"] = (iat + (lifetime ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        };
        if (targetAudience is null)
        {
            claims["scope"] = "https://www.googleapis.com/auth/cloud-platform";
        }
        else
        {
            claims["target_audience"] = targetAudience;
        }
        var credentials = new SigningCredentials(
            new RsaSecurityKey(rsa) { KeyId = key["private_key_id"]!.GetValue<string>() }, SecurityAlgorithms.RsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(new JsonObject(MapClaims(claims)).ToJsonString(), credentials);
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> MapClaims(Dictionary<string, object> claims)
    {
        foreach (var (name, value) in claims)
        {
            yield return new(name, value switch
            {
                long l => JsonValue.Create(l),
                _ => JsonValue.Create(value.ToString()),
            });
        }
    }

    protected Task<HttpResponseMessage> PostTokenAsync(string assertion) =>
        Http.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = assertion,
        }));

    /// <summary>An access token for the account of <paramref name="key"/>, through the token endpoint.</summary>
    protected async Task<string> AccessTokenAsync(JsonObject key)
    {
        var response = await PostTokenAsync(Assertion(key));
        var body = await ReadJsonAsync(response);
        Assert.Equal(200, (int)response.StatusCode);
        return body["access_token"]!.GetValue<string>();
    }

    /// <summary>An access token for a user, through an issued authorized_user credential's refresh token.</summary>
    protected async Task<string> UserTokenAsync(string email)
    {
        var credential = JsonNode.Parse(Host.IssueAuthorizedUser(email))!;
        var response = await Http.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = credential["client_id"]!.GetValue<string>(),
            ["client_secret"] = credential["client_secret"]!.GetValue<string>(),
            ["refresh_token"] = credential["refresh_token"]!.GetValue<string>(),
        }));
        return (await ReadJsonAsync(response))["access_token"]!.GetValue<string>();
    }

    protected async Task<string> DeployerTokenAsync() => await AccessTokenAsync(DeployerKey());

    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return await Http.SendAsync(request);
    }

    protected static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    protected static string ErrorMessage(JsonObject body) => body["error"]!["message"]!.GetValue<string>();

    protected static string ErrorStatus(JsonObject body) => body["error"]!["status"]!.GetValue<string>();
}
