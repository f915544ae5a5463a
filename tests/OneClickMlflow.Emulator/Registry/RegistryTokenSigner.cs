using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Auth;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>
/// Signs a registry bearer token as distribution's token auth verifies it: RS256 with the signing certificate in
/// the <c>x5c</c> header (checked against the registry's rootcertbundle), audience = the registry's service.
/// </summary>
public static class RegistryTokenSigner
{
    public static string Sign(X509Certificate2 certificate, string issuer, string subject, string audience,
        JsonArray access, DateTimeOffset now, TimeSpan lifetime)
    {
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
        };
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            // A little earlier than now, for the registry's clock.
            ["nbf"] = (now - TimeSpan.FromSeconds(30)).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = TokenStore.Base64Url(RandomNumberGenerator.GetBytes(16)),
            ["access"] = access,
        };
        var signingInput = Encode(header) + "." + Encode(payload);
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The registry token signing certificate has no RSA private key.");
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + TokenStore.Base64Url(signature);
    }

    private static string Encode(JsonObject json) => TokenStore.Base64Url(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
