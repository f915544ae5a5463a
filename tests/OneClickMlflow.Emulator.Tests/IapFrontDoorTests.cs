using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class IapFrontDoorTests : AppEngineTestBase
{
    private const string Accessor = "roles/iap.httpsResourceAccessor";

    private string IapApp => $"iap/v1/projects/{ProjectNumber}/iap_web/appengine-{Project}";

    /// <summary>An app with IAP on and a serving default service; returns its default hostname.</summary>
    private async Task<string> DeployBehindIapAsync(bool iap = true)
    {
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        if (iap)
        {
            await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        }
        Host.State.AddServiceAccount(Pusher);
        return await DefaultHostnameAsync();
    }

    private async Task<JsonObject> SetPolicyAsync(string resource, string member, string? etag = null)
    {
        var (status, policy) = await CallAsync(HttpMethod.Post, resource + ":setIamPolicy", PolicyBody(etag, member));
        Assert.True(status == HttpStatusCode.OK, policy.ToJsonString());
        return policy;
    }

    private static string PolicyBody(string? etag, params string[] accessors)
    {
        var policy = new JsonObject { ["bindings"] = new JsonArray() };
        if (accessors.Length > 0)
        {
            policy["bindings"]!.AsArray().Add(new JsonObject
            {
                ["role"] = Accessor,
                ["members"] = new JsonArray(Array.ConvertAll(accessors, m => (JsonNode?)m)),
            });
        }
        if (etag is not null)
        {
            policy["etag"] = etag;
        }
        return new JsonObject { ["policy"] = policy }.ToJsonString();
    }

    /// <summary>A JWT self-signed with a key the emulator issued for the pusher.</summary>
    private JsonObject PusherKey() => IssueKey(Pusher);

    private static string SelfSigned(JsonObject key, string audience, DateTimeOffset issuedAt)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(key["private_key"]!.GetValue<string>());
        var email = key["client_email"]!.GetValue<string>();
        var payload = new JsonObject
        {
            ["iss"] = email,
            ["sub"] = email,
            ["aud"] = audience,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = issuedAt.AddHours(1).ToUnixTimeSeconds(),
        };
        var credentials = new SigningCredentials(
            new RsaSecurityKey(rsa) { KeyId = key["private_key_id"]!.GetValue<string>() }, SecurityAlgorithms.RsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(), credentials);
    }

    private Task<HttpResponseMessage> MlflowAsync(string host, HttpMethod method, string path, string? token, string? json = null) =>
        SendAsync(method, $"appspot/{host}/{path}", token, json);

    [Fact]
    public async Task The_app_policy_is_read_modify_written_with_its_etag()
    {
        await DeployBehindIapAsync();

        var (_, empty) = await CallAsync(HttpMethod.Post, IapApp + ":getIamPolicy", "{}");
        var written = await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher, empty["etag"]!.GetValue<string>());
        var (stale, _) = await CallAsync(HttpMethod.Post, IapApp + ":setIamPolicy",
            PolicyBody(empty["etag"]!.GetValue<string>()));
        var (_, read) = await CallAsync(HttpMethod.Post, IapApp + ":getIamPolicy", """{"options": {"requestedPolicyVersion": 3}}""");

        Assert.Null(empty["bindings"]);
        Assert.NotEqual(empty["etag"]!.GetValue<string>(), written["etag"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal(Accessor, read["bindings"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("serviceAccount:" + Pusher, read["bindings"]![0]!["members"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Settings_keep_the_programmatic_clients_and_the_brands_api_is_gone()
    {
        await DeployBehindIapAsync();

        var (patched, _) = await CallAsync(HttpMethod.Patch, IapApp + ":iapSettings?updateMask=iap_settings.access_settings.oauth_settings.programmatic_clients",
            """{"accessSettings": {"oauthSettings": {"programmaticClients": ["456-cli.apps.googleusercontent.com"]}}}""");
        var (_, settings) = await CallAsync(HttpMethod.Get, IapApp + ":iapSettings");
        var (brands, _) = await CallAsync(HttpMethod.Get, $"iap/v1/projects/{ProjectNumber}/brands");
        var (unknown, _) = await CallAsync(HttpMethod.Post, $"iap/v1/projects/{ProjectNumber}/iap_web/appengine-other-app:getIamPolicy", "{}");

        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal($"projects/{ProjectNumber}/iap_web/appengine-{Project}", settings["name"]!.GetValue<string>());
        Assert.Equal("456-cli.apps.googleusercontent.com",
            settings["accessSettings"]!["oauthSettings"]!["programmaticClients"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, brands);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task A_browser_without_credentials_is_sent_to_google_sign_in()
    {
        var host = await DeployBehindIapAsync();
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"appspot/{host}/");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await noRedirect.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://accounts.google.com/o/oauth2/v2/auth?client_id=", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Missing_garbage_expired_and_wrong_audience_tokens_are_unauthorized()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var key = PusherKey();

        var none = await MlflowAsync(host, HttpMethod.Get, "health", null);
        var garbage = await MlflowAsync(host, HttpMethod.Get, "health", "not-a-jwt");
        var expired = await MlflowAsync(host, HttpMethod.Get, "health", SelfSigned(key, $"https://{host}/*", DateTimeOffset.UtcNow.AddHours(-3)));
        var wrongAudience = await MlflowAsync(host, HttpMethod.Get, "health", await SignedJwtAsync("https://elsewhere.example.com/*"));
        var accessToken = await MlflowAsync(host, HttpMethod.Get, "health", await DeployerTokenAsync());
        var selfSigned = await MlflowAsync(host, HttpMethod.Get, "health", SelfSigned(key, $"https://{host}/*", DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, accessToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, selfSigned.StatusCode);
    }

    [Fact]
    public async Task The_environment_maps_app_hosts_to_the_front_door_and_a_token_opens_only_the_app_it_names()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var prefix = new Uri(Host.Environment[AppFrontDoor.EndpointOverrideVariable]);
        var served = new Uri(prefix, host + "/");

        var viaPrefix = await MlflowAsync(host, HttpMethod.Get, "health", await SignedJwtAsync(served.AbsoluteUri + "*"));
        var otherApp = await MlflowAsync(host, HttpMethod.Get, "health", await SignedJwtAsync(new Uri(prefix, "other.ew.r.appspot.com/").AbsoluteUri + "*"));
        var wholeEmulator = await MlflowAsync(host, HttpMethod.Get, "health", await SignedJwtAsync(served.GetLeftPart(UriPartial.Authority) + "/*"));

        Assert.Equal(new Uri(Host.BaseUri, $"appspot/{host}/"), served);
        Assert.Equal(HttpStatusCode.OK, viaPrefix.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherApp.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wholeEmulator.StatusCode);
    }

    [Fact]
    public async Task An_authorised_service_account_logs_an_experiment_run_param_and_metric()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var token = await SignedJwtAsync($"https://{host}/*");

        var health = await MlflowAsync(host, HttpMethod.Get, "health", token);
        var created = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/experiments/create", token, """{"name": "churn"}"""));
        var experiment = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Get, "api/2.0/mlflow/experiments/get-by-name?experiment_name=churn", token));
        var run = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/create", token,
            $$"""{"experiment_id": "{{created["experiment_id"]}}", "start_time": 1700000000000}"""));
        var runId = run["run"]!["info"]!["run_id"]!.GetValue<string>();
        var param = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/log-parameter", token,
            $$"""{"run_id": "{{runId}}", "key": "alpha", "value": "0.5"}""");
        var metric = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/log-metric", token,
            $$"""{"run_id": "{{runId}}", "key": "rmse", "value": 0.79, "timestamp": 1700000001000, "step": 1}""");
        var read = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Get, $"api/2.0/mlflow/runs/get?run_id={runId}", token));

        Assert.Equal("OK", await health.Content.ReadAsStringAsync());
        Assert.Equal("churn", experiment["experiment"]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, param.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metric.StatusCode);
        Assert.Equal("0.5", read["run"]!["data"]!["params"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(0.79, read["run"]!["data"]!["metrics"]![0]!["value"]!.GetValue<double>());
        lock (Host.State.Gate)
        {
            var tracking = Host.State.ApiState<MlflowTrackingState>().For(host);
            Assert.Contains("churn", tracking.Experiments.Values);
            Assert.Equal("rmse", Assert.Single(tracking.Runs[runId].Metrics).Key);
        }
    }

    [Fact]
    public async Task A_training_script_logs_a_batch_names_its_run_by_run_uuid_and_finds_it_by_search()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var token = await SignedJwtAsync($"https://{host}/*");
        var created = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/experiments/create", token, """{"name": "churn"}"""));
        var experimentId = created["experiment_id"]!.GetValue<string>();
        var run = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/create", token,
            $$"""{"experiment_id": "{{experimentId}}", "start_time": 1700000000000}"""));
        var runId = run["run"]!["info"]!["run_id"]!.GetValue<string>();

        var batch = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/log-batch", token, $$"""
            {"run_id": "{{runId}}", "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1, "step": 0}, {"key": "loss", "value": 0.25, "timestamp": 2, "step": 1}],
             "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "team", "value": "ml"}]}
            """);
        var oldClient = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/log-metric", token,
            $$"""{"run_uuid": "{{runId}}", "key": "loss", "value": 0.125, "timestamp": 3, "step": 2}""");
        var finished = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/update", token,
            $$"""{"run_id": "{{runId}}", "status": "FINISHED", "end_time": 1700000009000}""");
        var history = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Get, $"api/2.0/mlflow/metrics/get-history?run_uuid={runId}&metric_key=loss", token));
        var found = await ReadJsonAsync(await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/search", token,
            $$"""{"experiment_ids": ["{{experimentId}}"], "filter": "params.lr = '0.1' and tags.team = 'ml'"}"""));
        var unknown = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/runs/log-metric", token,
            """{"run_id": "nope", "key": "loss", "value": 1, "timestamp": 1}""");

        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oldClient.StatusCode);
        Assert.Equal("FINISHED", (await ReadJsonAsync(finished))["run_info"]!["status"]!.GetValue<string>());
        Assert.Equal(new[] { 0.5, 0.25, 0.125 }, history["metrics"]!.AsArray().Select(m => m!["value"]!.GetValue<double>()));
        var match = Assert.Single(found["runs"]!.AsArray())!;
        Assert.Equal(runId, match["info"]!["run_uuid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Run with id=nope not found", (await ReadJsonAsync(unknown))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_principal_without_the_accessor_role_is_forbidden_and_a_removed_member_loses_access()
    {
        var host = await DeployBehindIapAsync();
        var token = await SignedJwtAsync($"https://{host}/*");

        var before = await MlflowAsync(host, HttpMethod.Get, "health", token);
        var policy = await SetPolicyAsync($"{IapApp}/services/default", "serviceAccount:" + Pusher);
        var granted = await MlflowAsync(host, HttpMethod.Get, "health", token);
        await CallAsync(HttpMethod.Post, $"{IapApp}/services/default:setIamPolicy",
            PolicyBody(policy["etag"]!.GetValue<string>()));
        var after = await MlflowAsync(host, HttpMethod.Get, "health", token);

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Proxy_authorization_carries_the_iap_token()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"appspot/{host}/health");
        request.Headers.ProxyAuthorization = new AuthenticationHeaderValue("Bearer", await SignedJwtAsync($"https://{host}/*"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "for-the-app");

        var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_id_token_for_the_custom_oauth_client_is_accepted()
    {
        var host = await DeployBehindIapAsync();
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap",
            """{"iap": {"enabled": true, "oauth2ClientId": "123-abc.apps.googleusercontent.com", "oauth2ClientSecret": "s3cret"}}""");
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var (_, idToken) = await CallAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Pusher}:generateIdToken",
            """{"audience": "123-abc.apps.googleusercontent.com", "includeEmail": true}""");
        var (_, otherAudience) = await CallAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Pusher}:generateIdToken",
            """{"audience": "999-other.apps.googleusercontent.com", "includeEmail": true}""");

        var accepted = await MlflowAsync(host, HttpMethod.Get, "health", idToken["token"]!.GetValue<string>());
        var refused = await MlflowAsync(host, HttpMethod.Get, "health", otherAudience["token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Without_iap_or_without_a_serving_service_the_app_is_not_served()
    {
        var host = await DeployBehindIapAsync(iap: false);
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var token = await SignedJwtAsync($"https://{host}/*");

        var withoutIap = await MlflowAsync(host, HttpMethod.Get, "health", token);
        var unknownService = await MlflowAsync("other-dot-" + host, HttpMethod.Get, "health", token);
        var unknownHost = await MlflowAsync("nobody.ew.r.appspot.com", HttpMethod.Get, "health", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, withoutIap.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownService.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownHost.StatusCode);
    }

    [Fact]
    public async Task A_stopped_app_is_unavailable_even_to_an_authorised_caller()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var token = await SignedJwtAsync($"https://{host}/*");
        var serving = await MlflowAsync(host, HttpMethod.Get, "health", token);

        await CallAsync(HttpMethod.Patch, App + "?updateMask=servingStatus", """{"servingStatus": "USER_DISABLED"}""");
        var stopped = await MlflowAsync(host, HttpMethod.Get, "health", token);

        Assert.Equal(HttpStatusCode.OK, serving.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
    }

    [Fact]
    public async Task Test_iam_permissions_answers_what_the_caller_holds_on_the_app()
    {
        await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var pusherToken = await AccessTokenAsync(PusherKey());

        var response = await SendAsync(HttpMethod.Post, IapApp + ":testIamPermissions", pusherToken,
            """{"permissions": ["iap.webServiceVersions.accessViaIAP", "iap.web.setIamPolicy"]}""");
        var held = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("iap.webServiceVersions.accessViaIAP", Assert.Single(held["permissions"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Mlflow_errors_use_mlflow_error_codes()
    {
        var host = await DeployBehindIapAsync();
        await SetPolicyAsync(IapApp, "serviceAccount:" + Pusher);
        var token = await SignedJwtAsync($"https://{host}/*");

        await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/experiments/create", token, """{"name": "churn"}""");
        var duplicate = await MlflowAsync(host, HttpMethod.Post, "api/2.0/mlflow/experiments/create", token, """{"name": "churn"}""");
        var missing = await MlflowAsync(host, HttpMethod.Get, "api/2.0/mlflow/experiments/get-by-name?experiment_name=none", token);

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (await ReadJsonAsync(duplicate))["error_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await ReadJsonAsync(missing))["error_code"]!.GetValue<string>());
    }
}
