using System;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// Resolves a bearer token: an access token the emulator issued, or a self-signed service-account JWT (what
/// client libraries send instead of an access token when no scopes are set) whose audience is a Google API or
/// the emulator itself (clients derive it from the overridden endpoint), or that carries scopes instead.
/// </summary>
public static class BearerAuthenticator
{
    public static Principal? Authenticate(EmulatorState state, string token)
    {
        if (state.Tokens.Resolve(token) is { } principal)
        {
            return principal;
        }
        if (token.Split('.').Length != 3)
        {
            return null;
        }
        var (assertion, _) = JwtTools.VerifyServiceAccountJwt(
            state, token, audience => IsGoogleApiAudience(audience) || IsEmulatorAudience(state, audience), scopeMayReplaceAudience: true);
        if (assertion is null || assertion.Token.Subject != assertion.Email)
        {
            return null;
        }
        return Principal.ServiceAccount(assertion.Email);
    }

    private static bool IsEmulatorAudience(EmulatorState state, string audience) =>
        state.BaseUri is not null
        && Uri.TryCreate(audience, UriKind.Absolute, out var uri)
        && uri.GetLeftPart(UriPartial.Authority) == state.BaseUri.GetLeftPart(UriPartial.Authority);

    private static bool IsGoogleApiAudience(string audience) =>
        Uri.TryCreate(audience, UriKind.Absolute, out var uri)
        && uri.Scheme == "https"
        && uri.Host.EndsWith(".googleapis.com", StringComparison.OrdinalIgnoreCase);
}
