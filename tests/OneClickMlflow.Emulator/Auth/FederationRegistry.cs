using System;
using System.Collections.Generic;
using Microsoft.IdentityModel.Tokens;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// What the Security Token Service accepts as subject tokens: exact tokens registered with a subject, or OIDC
/// JWTs signed by a trusted test issuer (the subject is the token's <c>sub</c>).
/// </summary>
public sealed class FederationRegistry
{
    private readonly object gate = new();
    private readonly Dictionary<string, string> subjectsByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecurityKey> issuerKeys = new(StringComparer.Ordinal);

    public void RegisterSubjectToken(string subjectToken, string subject)
    {
        lock (gate)
        {
            subjectsByToken[subjectToken] = subject;
        }
    }

    public void TrustIssuer(string issuer, SecurityKey signingKey)
    {
        lock (gate)
        {
            issuerKeys[issuer] = signingKey;
        }
    }

    public string? SubjectOf(string subjectToken)
    {
        lock (gate)
        {
            return subjectsByToken.TryGetValue(subjectToken, out var subject) ? subject : null;
        }
    }

    public SecurityKey? KeyOf(string issuer)
    {
        lock (gate)
        {
            return issuerKeys.TryGetValue(issuer, out var key) ? key : null;
        }
    }

    public IReadOnlyCollection<string> TrustedIssuers
    {
        get
        {
            lock (gate)
            {
                return new List<string>(issuerKeys.Keys);
            }
        }
    }
}
