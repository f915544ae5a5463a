using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>An RSA key the emulator made, either handed out in a key file or kept (Google-managed).</summary>
public sealed class SigningKey
{
    public SigningKey(string keyId, string? email, RSA rsa)
    {
        KeyId = keyId;
        Email = email;
        Rsa = rsa;
    }

    public string KeyId { get; }

    /// <summary>The service account the key belongs to; null for the emulator's own ID-token key.</summary>
    public string? Email { get; }

    public RSA Rsa { get; }

    public SecurityKey SecurityKey => new RsaSecurityKey(Rsa) { KeyId = KeyId };

    public SigningCredentials Credentials => new(SecurityKey, SecurityAlgorithms.RsaSha256);

    public Dictionary<string, string> PublicJwk()
    {
        var parameters = Rsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["alg"] = "RS256",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }
}

/// <summary>Keys of service accounts (issued key files and Google-managed keys) and the emulator's own signing key.</summary>
public sealed class KeyStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, SigningKey> keys = new(StringComparer.Ordinal);

    public KeyStore()
    {
        EmulatorKey = new SigningKey(NewKeyId(), null, RSA.Create(2048));
    }

    /// <summary>Signs the ID tokens the emulator mints (published at /oauth2/v3/certs).</summary>
    public SigningKey EmulatorKey { get; }

    public SigningKey Create(string email)
    {
        var key = new SigningKey(NewKeyId(), email, RSA.Create(2048));
        lock (gate)
        {
            keys[key.KeyId] = key;
        }
        return key;
    }

    public SigningKey? Find(string keyId)
    {
        lock (gate)
        {
            return keys.TryGetValue(keyId, out var key) ? key : null;
        }
    }

    public IReadOnlyList<SigningKey> ForAccount(string email)
    {
        lock (gate)
        {
            return keys.Values.Where(k => string.Equals(k.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
        }
    }

    /// <summary>The Google-managed key signJwt uses for an account, made on first use.</summary>
    public SigningKey ManagedKeyFor(string email)
    {
        lock (gate)
        {
            return ForAccount(email).FirstOrDefault() ?? Create(email);
        }
    }

    private static string NewKeyId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
}
