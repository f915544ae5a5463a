using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class IamServiceAccountTests : PlatformTestBase
{
    private const string Accounts = "iam/v1/projects/mlflow-demo/serviceAccounts";
    private const string Server = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";

    private Task<(HttpStatusCode Status, JsonObject Body)> CreateAsync(string accountId = "mlflow-server")
    {
        EnableServices("iam.googleapis.com");
        return CallAsync(HttpMethod.Post, Accounts, $$$"""
            {"accountId": "{{{accountId}}}", "serviceAccount": {"displayName": "MLflow server", "description": "Runs the tracking server"}}
            """);
    }

    [Fact]
    public async Task A_created_account_is_found_by_email_by_unique_id_and_under_the_wildcard_project()
    {
        var (status, created) = await CreateAsync();
        var uniqueId = created["uniqueId"]!.GetValue<string>();

        var (_, byEmail) = await CallAsync(HttpMethod.Get, $"{Accounts}/{Server}");
        var (_, byId) = await CallAsync(HttpMethod.Get, $"{Accounts}/{uniqueId}");
        var (_, wildcard) = await CallAsync(HttpMethod.Get, $"iam/v1/projects/-/serviceAccounts/{Server}");
        var (_, list) = await CallAsync(HttpMethod.Get, Accounts);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Server, created["email"]!.GetValue<string>());
        Assert.Equal($"projects/mlflow-demo/serviceAccounts/{Server}", created["name"]!.GetValue<string>());
        Assert.Equal("MLflow server", byEmail["displayName"]!.GetValue<string>());
        Assert.Equal("Runs the tracking server", byEmail["description"]!.GetValue<string>());
        Assert.Equal(Server, byId["email"]!.GetValue<string>());
        Assert.Equal(uniqueId, wildcard["uniqueId"]!.GetValue<string>());
        Assert.Contains(list["accounts"]!.AsArray(), a => a!["email"]!.GetValue<string>() == Server);
    }

    [Fact]
    public async Task Creating_an_existing_account_is_409_ALREADY_EXISTS()
    {
        await CreateAsync();

        var (status, body) = await CreateAsync();

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("ALREADY_EXISTS", ErrorStatus(body));
        Assert.Equal("Service account mlflow-server already exists within project projects/mlflow-demo.", ErrorMessage(body));
    }

    [Fact]
    public async Task Account_ids_follow_Googles_rule()
    {
        string[] invalid = { "short", "1starts-with-digit", "ends-with-hyphen-", "Upper-case-id", new string('a', 31) };

        foreach (var id in invalid)
        {
            var (status, body) = await CreateAsync(id);
            Assert.True(status == HttpStatusCode.BadRequest, id);
            Assert.Equal("INVALID_ARGUMENT", ErrorStatus(body));
        }
        var (okStatus, _) = await CreateAsync("abcdef");
        Assert.Equal(HttpStatusCode.OK, okStatus);
    }

    [Fact]
    public async Task Creating_needs_the_IAM_API_enabled_and_refuses_unknown_fields()
    {
        var (disabledStatus, disabled) = await CallAsync(HttpMethod.Post, Accounts, """{"accountId": "mlflow-server"}""");
        EnableServices("iam.googleapis.com");
        var (unknownStatus, unknown) = await CallAsync(HttpMethod.Post, Accounts,
            """{"accountId": "mlflow-server", "serviceAccount": {"name2": "x"}}""");

        Assert.Equal(HttpStatusCode.Forbidden, disabledStatus);
        Assert.Contains("Identity and Access Management (IAM) API has not been used", ErrorMessage(disabled));
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Equal("Invalid JSON payload received. Unknown name \"name2\" at 'service_account': Cannot find field.", ErrorMessage(unknown));
        Assert.Null(Host.State.FindServiceAccount(Server));
    }

    [Fact]
    public async Task Patch_changes_the_fields_in_the_mask_and_delete_removes_the_account()
    {
        await CreateAsync();

        var (patchStatus, patched) = await CallAsync(HttpMethod.Patch, $"{Accounts}/{Server}",
            """{"serviceAccount": {"displayName": "Renamed", "description": "ignored"}, "updateMask": "displayName"}""");
        var (noMaskStatus, _) = await CallAsync(HttpMethod.Patch, $"{Accounts}/{Server}", """{"serviceAccount": {"displayName": "x"}}""");
        var (deleteStatus, _) = await CallAsync(HttpMethod.Delete, $"{Accounts}/{Server}");
        var (goneStatus, _) = await CallAsync(HttpMethod.Get, $"{Accounts}/{Server}");

        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal("Renamed", patched["displayName"]!.GetValue<string>());
        Assert.Equal("Runs the tracking server", patched["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, noMaskStatus);
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
    }

    [Fact]
    public async Task An_account_created_through_the_api_is_the_one_the_credential_apis_use()
    {
        await CreateAsync();
        var (_, policy) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy", "{}");
        var user = await UserTokenAsync("alice@example.com");
        var refused = await SendAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Server}:signJwt", user,
            """{"payload": "{\"sub\": \"x\"}"}""");
        policy["bindings"] = new JsonArray(new JsonObject
        {
            ["role"] = "roles/iam.serviceAccountTokenCreator",
            ["members"] = new JsonArray("user:alice@example.com"),
        });
        var (setStatus, _) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:setIamPolicy",
            new JsonObject { ["policy"] = policy }.ToJsonString());
        var (staleStatus, stale) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:setIamPolicy",
            new JsonObject { ["policy"] = policy.DeepClone() }.ToJsonString());

        var signed = await SendAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Server}:signJwt", user,
            """{"payload": "{\"sub\": \"x\"}"}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.Equal(HttpStatusCode.Conflict, staleStatus);
        Assert.Equal("ABORTED", ErrorStatus(stale));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    [Fact]
    public async Task Without_the_propagation_switch_a_new_account_takes_grants_at_once()
    {
        Host.State.Latency.Set("realistic", 1);

        await CreateAsync();
        var (status, _) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy", "{}");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task GetIamPolicy_takes_no_body_and_the_requested_version_in_the_query()
    {
        await CreateAsync();

        var (queryStatus, _) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy?options.requestedPolicyVersion=3", "");
        var (bodyStatus, body) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy", """{"options": {"requestedPolicyVersion": 3}}""");

        Assert.Equal(HttpStatusCode.OK, queryStatus);
        Assert.Equal(HttpStatusCode.BadRequest, bodyStatus);
        Assert.Contains("Unknown name \"options\"", ErrorMessage(body));
    }
}

/// <summary>The opt-in eventual-consistency switch for new service accounts.</summary>
public sealed class IamPropagationDelayTests : PlatformTestBase
{
    private const string Accounts = "iam/v1/projects/mlflow-demo/serviceAccounts";
    private const string Server = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";

    protected override EmulatorOptions Options() => new()
    {
        LatencyProfile = "realistic",
        LatencyScale = 0.05, // 10 s * 0.05 = 0.5 s of invisibility
        ServiceAccountPropagationDelay = true,
    };

    [Fact]
    public async Task A_new_account_answers_404_to_policy_calls_until_it_has_propagated()
    {
        EnableServices("iam.googleapis.com");
        await CallAsync(HttpMethod.Post, Accounts, """{"accountId": "mlflow-server"}""");

        var (earlyStatus, early) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy", "{}");
        var (getStatus, _) = await CallAsync(HttpMethod.Get, $"{Accounts}/{Server}");
        var clock = Stopwatch.StartNew();
        HttpStatusCode later;
        do
        {
            await Task.Delay(50);
            (later, _) = await CallAsync(HttpMethod.Post, $"{Accounts}/{Server}:getIamPolicy", "{}");
        }
        while (later == HttpStatusCode.NotFound && clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.NotFound, earlyStatus);
        Assert.Equal($"Service account projects/mlflow-demo/serviceAccounts/{Server} does not exist.", ErrorMessage(early));
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(HttpStatusCode.OK, later);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
    }
}
