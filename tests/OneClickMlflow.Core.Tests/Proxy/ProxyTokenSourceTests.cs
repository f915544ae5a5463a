using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Proxy;
using OneClickMlflow.Tests.Google;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests.Proxy;

/// <summary>The proxy's token: kept while fresh, renewed in the background before expiry, waited for only when nearly expired.</summary>
public sealed class ProxyTokenSourceTests
{
    private DateTimeOffset now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly List<bool> issued = new();

    private ProxyTokenSource Source(TimeSpan lifetime) => new((refresh, _) =>
    {
        lock (issued)
        {
            issued.Add(refresh);
        }
        return Task.FromResult(new IssuedToken("t" + issued.Count, now + lifetime, "pusher@p.iam.gserviceaccount.com", "aud"));
    }, () => now);

    [Fact]
    public async Task Reuses_the_token_until_a_quarter_of_its_lifetime_is_left_then_renews_it_without_waiting()
    {
        var tokens = Source(TimeSpan.FromSeconds(40));
        await tokens.StartAsync(CancellationToken.None);

        now += TimeSpan.FromSeconds(29);
        Assert.Equal("t1", (await tokens.GetAsync(CancellationToken.None)).Value);
        now += TimeSpan.FromSeconds(2); // 31 s: past 30 s, the renewal starts while the current token is still handed out
        Assert.Equal("t1", (await tokens.GetAsync(CancellationToken.None)).Value);
        await WaitFor(() => tokens.Renewals == 1);

        Assert.Equal("t2", (await tokens.GetAsync(CancellationToken.None)).Value);
        Assert.Equal(new[] { false, true }, issued);
    }

    [Fact]
    public async Task Waits_for_a_new_token_when_the_current_one_is_about_to_expire()
    {
        var tokens = Source(TimeSpan.FromHours(1));
        await tokens.StartAsync(CancellationToken.None);

        now += TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(45); // inside the last 30 seconds

        Assert.Equal("t2", (await tokens.GetAsync(CancellationToken.None)).Value);
        Assert.Equal(1, tokens.Renewals);
    }

    [Fact]
    public void An_hour_token_is_renewed_five_minutes_before_it_expires()
    {
        var issuedAt = DateTimeOffset.UnixEpoch;
        Assert.Equal(issuedAt + TimeSpan.FromMinutes(55), ProxyTokenSource.RenewalTime(issuedAt, issuedAt + TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Refuses_to_listen_beyond_loopback_unless_allowed()
    {
        var tokens = Source(TimeSpan.FromHours(1));
        var options = new TrackingProxyOptions(new Uri("http://127.0.0.1:1/"), tokens) { ListenAddress = IPAddress.Any };

        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => MlflowTrackingProxy.StartAsync(options, CancellationToken.None));

        Assert.Contains("loopback only", refusal.Message);
    }

    [Fact]
    public async Task Forwards_under_the_tracking_path_with_its_own_token_and_stops_listening_when_stopped()
    {
        using var server = new ScriptedServer((method, path) => (200, "{}"));
        var tokens = Source(TimeSpan.FromHours(1));
        var proxy = await MlflowTrackingProxy.StartAsync(new TrackingProxyOptions(new Uri(server.BaseUri, "appspot/h/"), tokens), CancellationToken.None);
        using var client = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, proxy.LocalUri + "/api/2.0/mlflow/runs/log-metric?x=1")
        {
            Content = new StringContent("{\"key\":\"loss\"}"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "stale");

        var response = await client.SendAsync(request);
        proxy.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(server.Requests, r => r.Contains("/appspot/h/api/2.0/mlflow/runs/log-metric?x=1"));
        Assert.Equal(1, proxy.RequestsServed);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(proxy.LocalUri + "/health"));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
