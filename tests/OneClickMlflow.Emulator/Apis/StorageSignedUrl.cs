using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Auth;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Cloud Storage V4 signed URLs (https://cloud.google.com/storage/docs/access-control/signed-urls and "V4 signing
/// process"): the canonical request <c>METHOD\n/bucket/object\nsorted query\nhost:HOST\n\nhost\nUNSIGNED-PAYLOAD</c>,
/// the string to sign <c>GOOG4-RSA-SHA256\nDATE\nSCOPE\nhex(sha256(canonical request))</c>, signed RS256 by a key of
/// the service account named in X-Goog-Credential and given in hex. The emulator's XML API lives under
/// <c>/storage/</c> (as storage.googleapis.com's root): the resource signed is the path after it.
/// </summary>
public static class StorageSignedUrl
{
    public const string SignatureParameter = "X-Goog-Signature";
    public const string Algorithm = "GOOG4-RSA-SHA256";
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(7);

    /// <summary>A URL for <paramref name="method"/> on an object, signed with <paramref name="key"/> (what IAM signBlob does for the account).</summary>
    public static string Sign(EmulatorState state, SigningKey key, string method, string bucket, string objectName,
        IReadOnlyDictionary<string, string> extraQuery, TimeSpan expires)
    {
        var baseUri = state.BaseUri ?? throw new InvalidOperationException("The emulator has no address yet.");
        var now = state.Clock.GetUtcNow().UtcDateTime;
        var date = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var query = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-Goog-Algorithm"] = Algorithm,
            ["X-Goog-Credential"] = $"{key.Email}/{Scope(date)}",
            ["X-Goog-Date"] = date,
            ["X-Goog-Expires"] = ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["X-Goog-SignedHeaders"] = "host",
        };
        foreach (var (name, value) in extraQuery)
        {
            query[name] = value;
        }
        var resource = Resource(bucket, objectName);
        var canonicalQuery = CanonicalQuery(query);
        var signature = key.Rsa.SignData(Encoding.UTF8.GetBytes(StringToSign(method, resource, canonicalQuery, baseUri.Authority, date)),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{baseUri.GetLeftPart(UriPartial.Authority)}/{StorageXmlApi.PathPrefix}{resource}?{canonicalQuery}&{SignatureParameter}={Convert.ToHexString(signature).ToLowerInvariant()}";
    }

    /// <summary>The service account that signed the request's URL, or the XML error to answer.</summary>
    public static (string? Signer, StorageXmlError? Error) Verify(HttpContext context, EmulatorState state, string bucket, string objectName)
    {
        var query = context.Request.Query;
        string Get(string name) => query[name].ToString();
        if (Get("X-Goog-Algorithm") != Algorithm)
        {
            return (null, StorageXmlError.Invalid("The X-Goog-Algorithm must be GOOG4-RSA-SHA256."));
        }
        var credential = Get("X-Goog-Credential").Split('/');
        var date = Get("X-Goog-Date");
        if (credential.Length != 5 || !DateTime.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt)
            || string.Join("/", credential.Skip(1)) != Scope(date)
            || !long.TryParse(Get("X-Goog-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresSeconds)
            || TimeSpan.FromSeconds(expiresSeconds) > MaxExpiry)
        {
            return (null, StorageXmlError.Invalid("The signed URL's X-Goog-Credential, X-Goog-Date or X-Goog-Expires is malformed."));
        }
        var now = state.Clock.GetUtcNow().UtcDateTime;
        if (now > signedAt.AddSeconds(expiresSeconds))
        {
            return (null, new StorageXmlError(400, "ExpiredToken", "Invalid argument.",
                $"The provided token has expired. Request signature expired at: {signedAt.AddSeconds(expiresSeconds):yyyy-MM-dd'T'HH:mm:ss'+00:00'}"));
        }
        var signer = credential[0];
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(Get(SignatureParameter));
        }
        catch (FormatException)
        {
            return (null, SignatureMismatch());
        }
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (name != SignatureParameter)
            {
                parameters[name] = values.ToString();
            }
        }
        var data = Encoding.UTF8.GetBytes(StringToSign(context.Request.Method, Resource(bucket, objectName), CanonicalQuery(parameters),
            context.Request.Host.Value ?? "", date));
        var verified = state.Keys.ForAccount(signer).Any(k => k.Rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return verified ? (signer, null) : (null, SignatureMismatch());
    }

    private static StorageXmlError SignatureMismatch() => new(403, "SignatureDoesNotMatch", "Access denied.",
        "The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.");

    private static string Scope(string date) => $"{date[..8]}/auto/storage/goog4_request";

    private static string Resource(string bucket, string objectName) =>
        "/" + bucket + "/" + string.Join("/", objectName.Split('/').Select(Uri.EscapeDataString));

    private static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static string StringToSign(string method, string resource, string canonicalQuery, string host, string date)
    {
        var canonicalRequest = string.Join("\n", method, resource, canonicalQuery, $"host:{host}\n", "host", "UNSIGNED-PAYLOAD");
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))).ToLowerInvariant();
        return string.Join("\n", Algorithm, date, Scope(date), hash);
    }
}
