using System;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests.Tokens;

/// <summary>The cache alone, on a clock the test moves: a token is handed out again only while it has more than five minutes left.</summary>
public sealed class TrackingTokenCacheTests
{
    private const string Account = "mlflow-log-pusher@proj-one.iam.gserviceaccount.com";
    private const string Audience = "https://proj-one.ew.r.appspot.com/*";

    private DateTimeOffset now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private TrackingTokenCache CacheHolding(IssuedToken token)
    {
        var cache = new TrackingTokenCache(() => now);
        cache.Store(token);
        return cache;
    }

    private IssuedToken TokenExpiringIn(TimeSpan left, string audience = Audience) => new("header.payload.signature", now + left, Account, audience);

    [Fact]
    public void A_token_with_more_than_five_minutes_left_is_reused_and_one_with_five_minutes_or_less_is_not()
    {
        var token = TokenExpiringIn(TimeSpan.FromMinutes(10));
        var cache = CacheHolding(token);

        Assert.Same(token, cache.Find(Account, Audience));
        now = now.AddMinutes(5).AddSeconds(-1);
        Assert.Same(token, cache.Find(Account, Audience));
        now = now.AddSeconds(1);
        Assert.Null(cache.Find(Account, Audience));
        now = now.AddMinutes(10);
        Assert.Null(cache.Find(Account, Audience));
    }

    [Fact]
    public void A_token_is_reused_only_for_its_own_account_and_audience()
    {
        var cache = CacheHolding(TokenExpiringIn(TimeSpan.FromHours(1)));

        Assert.Null(cache.Find(Account, "https://other.ew.r.appspot.com/*"));
        Assert.Null(cache.Find("trainer@proj-one.iam.gserviceaccount.com", Audience));
        Assert.NotNull(cache.Find(Account.ToUpperInvariant(), Audience));
    }

    [Fact]
    public void A_newer_token_for_the_same_account_and_audience_replaces_the_old_one()
    {
        var cache = CacheHolding(TokenExpiringIn(TimeSpan.FromMinutes(6)));
        var newer = TokenExpiringIn(TimeSpan.FromHours(1));

        cache.Store(newer);
        now = now.AddMinutes(30);

        Assert.Same(newer, cache.Find(Account, Audience));
    }
}
