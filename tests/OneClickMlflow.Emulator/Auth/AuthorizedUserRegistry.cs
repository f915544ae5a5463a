using System;
using System.Collections.Generic;

namespace OneClickMlflow.Emulator.Auth;

public sealed record AuthorizedUserGrant(string ClientId, string ClientSecret, string RefreshToken, string Email);

/// <summary>Refresh tokens of authorized_user credentials the emulator issued.</summary>
public sealed class AuthorizedUserRegistry
{
    private readonly object gate = new();
    private readonly Dictionary<string, AuthorizedUserGrant> byRefreshToken = new(StringComparer.Ordinal);

    public void Add(AuthorizedUserGrant grant)
    {
        lock (gate)
        {
            byRefreshToken[grant.RefreshToken] = grant;
        }
    }

    public AuthorizedUserGrant? Find(string refreshToken)
    {
        lock (gate)
        {
            return byRefreshToken.TryGetValue(refreshToken, out var grant) ? grant : null;
        }
    }
}
