using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Google;
using OneClickMlflow.Tokens;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Tokens;

public sealed class TrackingTokenIssuerTests : EmulatedSessionTestBase
{
    private const string LogPusher = "mlflow-log-pusher@" + Project + ".iam.gserviceaccount.com";
    private static readonly Uri TrackingUri = new("https://proj-one.uc.r.appspot.com/some/path");

    private readonly ITestOutputHelper output;

    public TrackingTokenIssuerTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Default_token_is_a_one_hour_jwt_of_the_log_pusher_for_the_servers_origin_signed_through_signJwt()
    {
        AddLogPusher(deployerMaySign: true);
        using var session = await SessionAsync();

        var token = await new TrackingTokenIssuer(session, new TrackingTokenCache()).IssueAsync(Request(), CancellationToken.None);

        var claims = Claims(token.Value);
        Assert.Equal(LogPusher, claims.GetProperty("iss").GetString());
        Assert.Equal(LogPusher, claims.GetProperty("sub").GetString());
        Assert.Equal("https://proj-one.uc.r.appspot.com/*", claims.GetProperty("aud").GetString());
        Assert.Equal(3600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()), token.ExpiresOn);
        Assert.Equal("https://proj-one.uc.r.appspot.com/*", token.Audience);
        Assert.Single(RequestsTo(LogPusher + ":signJwt"));
        Assert.True(SignedByAccountKey(token.Value, LogPusher));
    }

    [Fact]
    public async Task Credential_that_is_the_accounts_key_signs_itself_without_calling_iam_credentials()
    {
        AddLogPusher(deployerMaySign: false);
        using var session = await SessionWithCredentialFileAsync(CredentialFiles.ServiceAccountKey(Host.State, Project, LogPusher));

        var token = await new TrackingTokenIssuer(session, new TrackingTokenCache()).IssueAsync(Request(), CancellationToken.None);

        Assert.Empty(RequestsTo(":signJwt"));
        Assert.Equal(LogPusher, Claims(token.Value).GetProperty("iss").GetString());
        Assert.True(SignedByAccountKey(token.Value, LogPusher));
    }

    [Fact]
    public async Task Token_is_reused_until_refresh_is_asked()
    {
        AddLogPusher(deployerMaySign: true);
        using var session = await SessionAsync();
        var issuer = new TrackingTokenIssuer(session, new TrackingTokenCache());

        var first = await issuer.IssueAsync(Request(), CancellationToken.None);
        var stopwatch = Stopwatch.StartNew();
        var second = await issuer.IssueAsync(Request(), CancellationToken.None);
        stopwatch.Stop();
        var refreshed = await issuer.IssueAsync(Request(r => r.Refresh = true), CancellationToken.None);

        output.WriteLine($"Cached token returned in {stopwatch.Elapsed.TotalMilliseconds:F3} ms.");
        Assert.Same(first, second);
        Assert.NotSame(first, refreshed);
        Assert.Equal(2, RequestsTo(LogPusher + ":signJwt").Count);
    }

    [Fact]
    public async Task Token_is_replaced_five_minutes_before_it_expires()
    {
        AddLogPusher(deployerMaySign: true);
        using var session = await SessionAsync();
        var now = DateTimeOffset.UtcNow;
        var issuer = new TrackingTokenIssuer(session, new TrackingTokenCache(() => now));

        var first = await issuer.IssueAsync(Request(), CancellationToken.None);
        now = now.AddMinutes(54);
        var stillCached = await issuer.IssueAsync(Request(), CancellationToken.None);
        now = now.AddMinutes(2);
        var replaced = await issuer.IssueAsync(Request(), CancellationToken.None);

        Assert.Same(first, stillCached);
        Assert.NotSame(first, replaced);
    }

    [Fact]
    public async Task Missing_token_creator_role_names_the_role_the_account_and_the_caller()
    {
        AddLogPusher(deployerMaySign: false);
        var viewer = AddServiceAccountWithRole("viewer", "roles/viewer");
        using var session = await SessionAsync(configure: o => o.ImpersonateServiceAccount = viewer);

        var error = await Assert.ThrowsAsync<TrackingTokenException>(
            () => new TrackingTokenIssuer(session, new TrackingTokenCache()).IssueAsync(Request(), CancellationToken.None));

        Assert.Equal(TrackingTokenFailure.PermissionDenied, error.Failure);
        Assert.Contains($"Grant roles/iam.serviceAccountTokenCreator on {LogPusher} to serviceAccount:{viewer}", error.Message);
    }

    [Fact]
    public async Task Audience_asks_iam_credentials_for_an_id_token_of_the_account()
    {
        AddLogPusher(deployerMaySign: true);
        using var session = await SessionAsync();
        const string clientId = "1234-abc.apps.googleusercontent.com";

        var token = await new TrackingTokenIssuer(session, new TrackingTokenCache())
            .IssueAsync(Request(r => r.Audience = clientId), CancellationToken.None);

        var claims = Claims(token.Value);
        Assert.Equal(clientId, claims.GetProperty("aud").GetString());
        Assert.Equal(LogPusher, claims.GetProperty("email").GetString());
        Assert.Equal(clientId, token.Audience);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()), token.ExpiresOn);
        Assert.Single(RequestsTo(LogPusher + ":generateIdToken"));
    }

    [Fact]
    public async Task Audience_with_the_accounts_own_key_uses_the_credentials_id_token()
    {
        AddLogPusher(deployerMaySign: false);
        using var session = await SessionWithCredentialFileAsync(CredentialFiles.ServiceAccountKey(Host.State, Project, LogPusher));
        const string clientId = "1234-abc.apps.googleusercontent.com";

        var token = await new TrackingTokenIssuer(session, new TrackingTokenCache())
            .IssueAsync(Request(r => r.Audience = clientId), CancellationToken.None);

        Assert.Equal(clientId, Claims(token.Value).GetProperty("aud").GetString());
        Assert.Empty(RequestsTo(":generateIdToken"));
    }

    [Theory]
    [InlineData("default", "https://proj-one.uc.r.appspot.com/")]
    [InlineData("team-b", "https://team-b-dot-proj-one.uc.r.appspot.com/")]
    public async Task Tracking_uri_is_the_host_of_the_service_serving_the_deployment(string service, string expected)
    {
        var destination = DeploymentNames.For(Project, "mlflow").ArtifactDestination;
        using var appEngine = new ScriptedServer((_, path) => path switch
        {
            "/v1/apps/proj-one" => (200, "{\"id\":\"proj-one\",\"defaultHostname\":\"proj-one.uc.r.appspot.com\"}"),
            "/v1/apps/proj-one/services" => (200, "{\"services\":[{\"id\":\"default\",\"split\":{\"allocations\":{\"v1\":1}}}" +
                (service == "default" ? "" : $",{{\"id\":\"{service}\",\"split\":{{\"allocations\":{{\"v2\":1}}}}}}") + "]}"),
            "/v1/apps/proj-one/services/default/versions?view=FULL" => (200,
                "{\"versions\":[{\"id\":\"v1\",\"envVariables\":{\"ARTIFACT_DESTINATION\":\"" +
                (service == "default" ? destination : "gs://another-deployment") + "\"}}]}"),
            _ => (200, $"{{\"versions\":[{{\"id\":\"v2\",\"envVariables\":{{\"ARTIFACT_DESTINATION\":\"{destination}\"}}}}]}}"),
        });
        using var session = await SessionWithAppEngineAtAsync(appEngine);

        var uri = await TrackingUriResolver.ResolveAsync(session, Project, "mlflow", refresh: true, CancellationToken.None);
        var looked = appEngine.Requests.Count;
        var again = await TrackingUriResolver.ResolveAsync(session, Project, "mlflow", refresh: false, CancellationToken.None);

        Assert.Equal(new Uri(expected), uri);
        Assert.Equal("GET /v1/apps/proj-one", appEngine.Requests.First());
        Assert.Equal(uri, again);
        Assert.Equal(looked, appEngine.Requests.Count); // found once per process: the second call asks nothing
    }

    [Fact]
    public async Task Project_without_an_app_engine_application_is_an_unknown_deployment()
    {
        using var appEngine = new ScriptedServer((_, _) => (404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"message\":\"Apps instance not found.\"}}"));
        using var session = await SessionWithAppEngineAtAsync(appEngine);

        var error = await Assert.ThrowsAsync<TrackingTokenException>(
            () => TrackingUriResolver.ResolveAsync(session, Project, "unknown-deployment", refresh: false, CancellationToken.None));

        Assert.Equal(TrackingTokenFailure.UnknownDeployment, error.Failure);
        Assert.Contains("Unknown deployment 'unknown-deployment' in project 'proj-one'", error.Message);
    }

    private Task<GoogleCloudSession> SessionWithAppEngineAtAsync(ScriptedServer appEngine)
    {
        var environment = EmulatorEnvironment();
        environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_APPENGINE"] = appEngine.BaseUri.ToString();
        return SessionAsync(environment);
    }

    private void AddLogPusher(bool deployerMaySign)
    {
        Host.State.AddServiceAccount(LogPusher, Project);
        if (deployerMaySign)
        {
            Host.State.Grant(Project, TrackingTokenIssuer.TokenCreatorRole, "serviceAccount:" + Deployer);
        }
    }

    private static TrackingTokenRequest Request(Action<TrackingTokenRequest>? configure = null)
    {
        var request = new TrackingTokenRequest(TrackingUri, LogPusher);
        configure?.Invoke(request);
        return request;
    }

    private bool SignedByAccountKey(string jwt, string account) =>
        Host.State.Keys.ForAccount(account).Any(key => JwtTools.SignatureValid(jwt, key));

    private static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(TrackingTokenIssuer.FromBase64Url(jwt.Split('.')[1]))).RootElement;
}
