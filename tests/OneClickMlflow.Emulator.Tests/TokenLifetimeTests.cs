using System;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The short-lived token switch: every token lives seconds, and IAP allows no skew past a token's expiry.</summary>
public sealed class TokenLifetimeTests : AppEngineTestBase
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8); // long enough for a loaded machine to use a token before it expires

    protected override EmulatorOptions Options() => new() { TokenLifetime = Lifetime };

    [Fact]
    public async Task An_access_token_says_it_lives_the_set_lifetime_and_is_refused_once_it_has()
    {
        var response = await PostTokenAsync(Assertion(DeployerKey()));
        var answer = await ReadJsonAsync(response);
        var token = answer["access_token"]!.GetValue<string>();

        var fresh = await SendAsync(HttpMethod.Get, $"cloudresourcemanager/v1/projects/{Project}", token);
        await Task.Delay(Lifetime + TimeSpan.FromSeconds(0.5));
        var expired = await SendAsync(HttpMethod.Get, $"cloudresourcemanager/v1/projects/{Project}", token);

        Assert.Equal(8, answer["expires_in"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task A_signed_jwt_for_an_hour_expires_after_the_set_lifetime_and_iap_refuses_it_from_then_on()
    {
        // The setup's deployer token must outlive the setup: tokens are short-lived from the signJwt call on.
        Host.State.Tokens.LifetimeOverride = null;
        await CreateAppAsync();
        await DeployAsync("default", "v1");
        await CallAsync(HttpMethod.Patch, App + "?updateMask=iap", """{"iap": {"enabled": true}}""");
        var host = await DefaultHostnameAsync();
        await LetPusherThroughIapAsync();
        Host.State.Tokens.LifetimeOverride = Lifetime;
        var jwt = await SignedJwtAsync($"https://{host}/*");

        var fresh = await SendAsync(HttpMethod.Get, $"appspot/{host}/health", jwt);
        await Task.Delay(Lifetime + TimeSpan.FromSeconds(1));
        var expired = await SendAsync(HttpMethod.Get, $"appspot/{host}/health", jwt);

        var claims = new JsonWebToken(jwt);
        Assert.Equal(8, claims.GetPayloadValue<long>("exp") - claims.GetPayloadValue<long>("iat"));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }
}
