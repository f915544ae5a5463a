using System;
using System.Collections.Generic;
using System.Security.Cryptography;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>Opaque access tokens mapped to a principal and an expiry; expired or unknown tokens resolve to null.</summary>
public sealed class TokenStore
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(3599);

    private readonly object gate = new();
    private readonly Dictionary<string, (Principal Principal, DateTimeOffset Expiry)> tokens = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;

    public TokenStore(TimeProvider clock)
    {
        this.clock = clock;
    }

    /// <summary>
    /// Named switch (<see cref="EmulatorOptions.TokenLifetime"/>), off by default: every token the emulator issues
    /// (access tokens, ID tokens, signJwt's JWTs) lives at most this long, and the IAP front door allows no clock skew
    /// past a token's expiry, so that a test sees tokens expire within seconds.
    /// </summary>
    public TimeSpan? LifetimeOverride { get; set; }

    /// <summary>The lifetime of a token issued without an asked-for one: Google's 3599 s unless overridden.</summary>
    public TimeSpan Lifetime => LifetimeOverride ?? DefaultLifetime;

    /// <summary>The <c>expires_in</c> of an access token answer.</summary>
    public int ExpiresInSeconds => (int)Lifetime.TotalSeconds;

    /// <summary>A lifetime shortened to the override, when one is set.</summary>
    public TimeSpan Shortened(TimeSpan lifetime) => LifetimeOverride is { } cap && cap < lifetime ? cap : lifetime;

    public (string Token, DateTimeOffset Expiry) Issue(Principal principal, TimeSpan? lifetime = null)
    {
        var token = "ya29.emu-" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiry = clock.GetUtcNow() + Shortened(lifetime ?? Lifetime);
        lock (gate)
        {
            tokens[token] = (principal, expiry);
        }
        return (token, expiry);
    }

    public Principal? Resolve(string token)
    {
        lock (gate)
        {
            return tokens.TryGetValue(token, out var entry) && entry.Expiry > clock.GetUtcNow() ? entry.Principal : null;
        }
    }

    /// <summary>Every token issued so far (tests that look for a token where it must never appear).</summary>
    public IReadOnlyList<string> Issued()
    {
        lock (gate)
        {
            return new List<string>(tokens.Keys);
        }
    }

    /// <summary>Makes a token expire now (tests of refresh-after-401).</summary>
    public void Expire(string token)
    {
        lock (gate)
        {
            if (tokens.TryGetValue(token, out var entry))
            {
                tokens[token] = (entry.Principal, clock.GetUtcNow());
            }
        }
    }

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
