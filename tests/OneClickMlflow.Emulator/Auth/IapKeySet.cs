using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// The P-256 keys IAP signs its <c>x-goog-iap-jwt-assertion</c> headers with (ES256), as Google publishes them at
/// https://www.gstatic.com/iap/verify/public_key-jwk: every key stays published, the newest one signs.
/// </summary>
public sealed class IapKeySet
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly object gate = new();
    private readonly List<ECDsaSecurityKey> keys = new();

    public IapKeySet()
    {
        Rotate();
    }

    /// <summary>The key that signs from now on; returns its key id.</summary>
    public string Rotate()
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            KeyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
        };
        lock (gate)
        {
            keys.Add(key);
        }
        return key.KeyId;
    }

    public ECDsaSecurityKey? Find(string keyId)
    {
        lock (gate)
        {
            return keys.FirstOrDefault(k => k.KeyId == keyId);
        }
    }

    /// <summary>Signs a payload with the newest key: header <c>{alg: ES256, kid, typ: JWT}</c>.</summary>
    public string Sign(JsonObject payload)
    {
        ECDsaSecurityKey key;
        lock (gate)
        {
            key = keys[^1];
        }
        return Handler.CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
    }

    /// <summary>The public keys as a JWK set, in gstatic's form.</summary>
    public JsonObject PublicJwks()
    {
        lock (gate)
        {
            return new JsonObject
            {
                ["keys"] = new JsonArray(keys.Select(k =>
                {
                    var point = k.ECDsa.ExportParameters(false).Q;
                    return (JsonNode?)new JsonObject
                    {
                        ["alg"] = "ES256",
                        ["crv"] = "P-256",
                        ["kid"] = k.KeyId,
                        ["kty"] = "EC",
                        ["use"] = "sig",
                        ["x"] = Base64UrlEncoder.Encode(point.X),
                        ["y"] = Base64UrlEncoder.Encode(point.Y),
                    };
                }).ToArray()),
            };
        }
    }
}
