using System;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>Credential JSON files the emulator hands out, shaped as Google's and pointing at the emulator.</summary>
public static class CredentialFiles
{
    public static string TokenUri(EmulatorState state) => new Uri(RequireBase(state), "oauth2/token").ToString();

    /// <summary>A service_account key file for <paramref name="email"/>; the account is registered if new.</summary>
    public static string ServiceAccountKey(EmulatorState state, string projectId, string email)
    {
        var account = state.AddServiceAccount(email, projectId);
        var key = state.Keys.Create(email);
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = key.KeyId,
            ["private_key"] = key.Rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = email,
            ["client_id"] = account.UniqueId,
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = TokenUri(state),
            ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
            ["client_x509_cert_url"] = "https://www.googleapis.com/robot/v1/metadata/x509/" + Uri.EscapeDataString(email),
            ["universe_domain"] = "googleapis.com",
        };
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>An authorized_user credential (what <c>gcloud auth application-default login</c> writes) for a user.</summary>
    public static string AuthorizedUser(EmulatorState state, string email)
    {
        var grant = new AuthorizedUserGrant(
            ClientId: Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant() + ".apps.googleusercontent.com",
            ClientSecret: "d-" + TokenStore.Base64Url(RandomNumberGenerator.GetBytes(18)),
            RefreshToken: "1//emu-" + TokenStore.Base64Url(RandomNumberGenerator.GetBytes(32)),
            Email: email);
        state.AuthorizedUsers.Add(grant);
        var json = new JsonObject
        {
            ["type"] = "authorized_user",
            ["client_id"] = grant.ClientId,
            ["client_secret"] = grant.ClientSecret,
            ["refresh_token"] = grant.RefreshToken,
            ["token_uri"] = TokenUri(state),
            ["universe_domain"] = "googleapis.com",
        };
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static Uri RequireBase(EmulatorState state) =>
        state.BaseUri ?? throw new InvalidOperationException("The emulator is not listening yet.");
}
