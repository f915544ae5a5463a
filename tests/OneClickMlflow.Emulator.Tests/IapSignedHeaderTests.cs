using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// The front door adds IAP's ES256 <c>x-goog-iap-jwt-assertion</c> to what it forwards, its keys are published at
/// gstatic's path, and the MLflow stand-in checks the header against its version's IAP_AUDIENCE as the image does.
/// </summary>
public sealed class IapSignedHeaderTests : AppEngineTestBase
{

    private string RightAudience => $"/projects/{ProjectNumber}/apps/{Project}";

    /// <summary>An app behind IAP whose default service serves one version with the given IAP_AUDIENCE; returns its host.</summary>
    private async Task<string> ServeBehindIapAsync(string? iapAudience)
    {
        await CreateAppAsync();
        var (_, operation) = await DeployAsync("default", "v1", iapAudience);
        Assert.Null(operation["error"]);
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        Host.State.AddServiceAccount(Pusher);
        Host.State.Grant(Project, "roles/iap.httpsResourceAccessor", "serviceAccount:" + Pusher);
        return await DefaultHostnameAsync();
    }

    /// <summary>A request through the front door with the pusher's IAP credentials (a signJwt JWT for the app).</summary>
    private async Task<HttpResponseMessage> ThroughIapAsync(string host, string path, string? forgedHeader = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject { ["iss"] = Pusher, ["sub"] = Pusher, ["aud"] = $"https://{host}/*", ["iat"] = now, ["exp"] = now + 3600 };
        var (_, signed) = await CallAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Pusher}:signJwt",
            new JsonObject { ["payload"] = payload.ToJsonString() }.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"appspot/{host}/{path}");
        request.Headers.Authorization = new("Bearer", signed["signedJwt"]!.GetValue<string>());
        if (forgedHeader is not null)
        {
            request.Headers.Add(IapSignedHeader.Name, forgedHeader);
        }
        return await Http.SendAsync(request);
    }

    private async Task<JsonObject> AdminAsync(string path, string json)
    {
        var response = await Http.PostAsync("_emulator/" + path, new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return await ReadJsonAsync(response);
    }

    private async Task<JsonWebKeySet> PublishedKeysAsync()
    {
        var response = await Http.GetAsync(new Uri(Host.Environment[GstaticApi.IapKeysUrlVariable]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_version_whose_iap_audience_is_the_apps_serves_what_iap_lets_through()
    {
        var host = await ServeBehindIapAsync(RightAudience);

        var api = await ThroughIapAsync(host, "api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task A_version_whose_iap_audience_names_another_app_refuses_everything_but_health()
    {
        var host = await ServeBehindIapAsync("/projects/1/apps/other-project");

        var api = await ThroughIapAsync(host, "api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");
        var health = await ThroughIapAsync(host, "health");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var refusal = await ReadJsonAsync(api);
        Assert.Equal("UNAUTHENTICATED", refusal["error_code"]!.GetValue<string>());
        Assert.Contains("for another audience", refusal["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_header_the_client_sends_is_replaced_by_iaps()
    {
        var host = await ServeBehindIapAsync(RightAudience);
        var forged = (await AdminAsync("iap-assertions",
            $$"""{"audience": "/projects/1/apps/other-project", "member": "user:mallory@example.com"}"""))["assertion"]!.GetValue<string>();

        var response = await ThroughIapAsync(host, "api/2.0/mlflow/experiments/get-by-name?experiment_name=Default", forged);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_iap_audience_the_version_serves_unchecked_only_while_the_leniency_switch_is_on()
    {
        lock (Host.State.Gate)
        {
            Host.State.ApiState<AppEngineState>().IapAudienceOptional = true;
        }
        var host = await ServeBehindIapAsync(iapAudience: null);
        var served = await ThroughIapAsync(host, "api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");
        lock (Host.State.Gate)
        {
            Host.State.ApiState<AppEngineState>().IapAudienceOptional = false;
        }

        var (_, refused) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v2", iapAudience: null));
        var (_, accepted) = await CallAsync(HttpMethod.Post, $"{App}/services/default/versions", FlexVersion("v3", iapAudience: RightAudience));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(4, refused["error"]!["code"]!.GetValue<int>());
        Assert.Contains("failed to become healthy", refused["error"]!["message"]!.GetValue<string>());
        Assert.Null(accepted["error"]);
    }

    [Fact]
    public async Task The_published_keys_verify_an_assertion_with_googles_claims_and_a_rotated_key_joins_them()
    {
        var account = Host.State.AddServiceAccount(Pusher);
        var before = await PublishedKeysAsync();
        var rotated = (await AdminAsync("iap-keys", "{}"))["kid"]!.GetValue<string>();
        var after = await PublishedKeysAsync();
        var assertion = (await AdminAsync("iap-assertions",
            $$"""{"audience": "{{RightAudience}}", "member": "serviceAccount:{{Pusher}}"}"""))["assertion"]!.GetValue<string>();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = after.Keys,
            ValidIssuer = "https://cloud.google.com/iap",
            ValidAudience = RightAudience,
            ValidAlgorithms = new[] { SecurityAlgorithms.EcdsaSha256 },
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(rotated, token.Kid);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("accounts.google.com:" + account.UniqueId, token.Subject);
        Assert.Equal(Pusher, token.GetPayloadValue<string>("email"));
        Assert.Equal(TimeSpan.FromMinutes(10), token.ValidTo - token.IssuedAt);
        Assert.Equal(before.Keys.Count + 1, after.Keys.Count);
        Assert.All(after.Keys, key => Assert.Equal(("EC", "P-256"), (key.Kty, key.Crv)));
    }

    [Fact]
    public void The_stand_ins_check_refuses_what_an_app_must_refuse()
    {
        var state = Host.State;
        var now = DateTimeOffset.UtcNow;
        string Refusal(string? header) => IapSignedHeader.Refusal(state, header, RightAudience) ?? "accepted";
        var foreignKey = new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)) { KeyId = "foreign" };
        var foreign = new JsonWebTokenHandler().CreateToken(
            $$"""{"iss": "https://cloud.google.com/iap", "aud": "{{RightAudience}}", "iat": {{now.ToUnixTimeSeconds()}}, "exp": {{now.AddMinutes(10).ToUnixTimeSeconds()}}}""",
            new SigningCredentials(foreignKey, SecurityAlgorithms.EcdsaSha256));

        Assert.Equal("accepted", Refusal(IapSignedHeader.For(state, RightAudience, "user:alice@example.com")));
        Assert.Contains("no x-goog-iap-jwt-assertion", Refusal(null));
        Assert.Contains("not current", Refusal(IapSignedHeader.For(state, RightAudience, "user:alice@example.com", now.AddHours(-1))));
        Assert.Contains("issuer", Refusal(IapSignedHeader.For(state, RightAudience, "user:alice@example.com", issuer: "https://accounts.google.com")));
        Assert.Contains("another audience", Refusal(IapSignedHeader.For(state, "/projects/1/apps/other-project", "user:alice@example.com")));
        Assert.Contains("not signed by a key IAP publishes", Refusal(foreign));
    }
}
