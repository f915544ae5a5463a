using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;
using static OneClickMlflow.Emulator.Apis.SecretManagerAccess;
using static OneClickMlflow.Emulator.Apis.SecretManagerViews;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Secret Manager versions: add, list, get, access, enable, disable, destroy, and the <c>latest</c> alias.</summary>
public static class SecretVersionEndpoints
{
    private const int MaxPayloadBytes = 65536;

    private static readonly MessageSchema Payload = new MessageSchema("google.cloud.secretmanager.v1.SecretPayload")
        .Bytes("data").Int64("dataCrc32c");

    private static readonly MessageSchema AddVersionRequest = new MessageSchema("google.cloud.secretmanager.v1.AddSecretVersionRequest")
        .Message("payload", Payload, required: true);

    private static readonly MessageSchema VersionStateRequest = new MessageSchema("google.cloud.secretmanager.v1.DisableSecretVersionRequest")
        .String("etag");

    public static async Task AddVersion(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.versions.add");
        var body = await context.ReadBodyAsync(AddVersionRequest);
        var payload = body["payload"]!;
        var data = Convert.FromBase64String(Base64Standard(payload["data"]?.GetValue<string>() ?? ""));
        if (data.Length > MaxPayloadBytes)
        {
            throw GoogleApiError.InvalidArgument(
                $"Secret payload data length must be less than or equal to {MaxPayloadBytes} bytes.", "payload.data");
        }
        var sentChecksum = payload["dataCrc32c"]?.ToString();
        if (sentChecksum is not null && sentChecksum != Crc32C.Compute(data).ToString())
        {
            throw GoogleApiError.InvalidArgument(
                "Checksum mismatch: the data_crc32c of the request does not match the CRC32C of the payload data.",
                "payload.data_crc32c");
        }
        JsonObject json;
        lock (state.Gate)
        {
            var version = new SecretVersionRecord
            {
                Number = secret.Versions.Count + 1,
                Created = state.Clock.GetUtcNow(),
                Data = data,
                ClientChecksum = sentChecksum is not null,
            };
            secret.Versions.Add(version);
            json = VersionJson(project, secret, version);
        }
        await context.WriteJsonAsync(json);
    }

    public static Task ListVersions(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.versions.list");
        var body = new JsonObject();
        lock (state.Gate)
        {
            var versions = secret.Versions.OrderByDescending(v => v.Number)
                .Select(v => (JsonNode?)VersionJson(project, secret, v)).ToArray();
            if (versions.Length > 0)
            {
                body["versions"] = new JsonArray(versions);
                body["totalSize"] = versions.Length;
            }
        }
        return context.WriteJsonAsync(body);
    }

    public static Task GetVersion(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.versions.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(VersionJson(project, secret, Version(context, project, secret)));
        }
    }

    public static Task Access(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.versions.access");
        lock (state.Gate)
        {
            var version = Version(context, project, secret);
            if (version.State != "ENABLED")
            {
                throw GoogleApiError.FailedPrecondition(
                    $"Secret Version [{VersionName(project, secret, version)}] is in {version.State} state.");
            }
            return context.WriteJsonAsync(new JsonObject
            {
                ["name"] = VersionName(project, secret, version),
                ["payload"] = new JsonObject
                {
                    ["data"] = Convert.ToBase64String(version.Data!),
                    ["dataCrc32c"] = Crc32C.Compute(version.Data!).ToString(),
                },
            });
        }
    }

    public static async Task ChangeVersion(HttpContext context, EmulatorState state, string verb, string newState)
    {
        var (project, secret) = Authorized(context, state, $"secretmanager.versions.{verb}");
        var body = await context.ReadBodyAsync(VersionStateRequest);
        JsonObject json;
        lock (state.Gate)
        {
            var version = Version(context, project, secret);
            CheckEtag(body["etag"]?.GetValue<string>(), VersionEtag(version));
            if (version.State == "DESTROYED")
            {
                throw GoogleApiError.FailedPrecondition($"Secret Version [{VersionName(project, secret, version)}] is in DESTROYED state.");
            }
            version.State = newState;
            if (newState == "DESTROYED")
            {
                version.Data = null;
                version.Destroyed = state.Clock.GetUtcNow();
            }
            json = VersionJson(project, secret, version);
        }
        await context.WriteJsonAsync(json);
    }

    /// <summary>The version of the route: a number, or <c>latest</c> (the most recently created). Call under the gate.</summary>
    public static SecretVersionRecord Version(HttpContext context, ProjectState project, SecretRecord secret)
    {
        var id = context.Route("version");
        if (id == "latest")
        {
            return secret.Versions.LastOrDefault()
                ?? throw GoogleApiError.NotFound($"Secret [{SecretName(project, secret.SecretId)}] not found or has no versions.");
        }
        if (!int.TryParse(id, out var number) || number < 1)
        {
            throw GoogleApiError.InvalidArgument(
                $"The provided Secret Version ID [{id}] does not match the expected format [0-9]+ or 'latest'.", "name");
        }
        return secret.Versions.FirstOrDefault(v => v.Number == number)
            ?? throw GoogleApiError.NotFound($"Secret Version [{SecretName(project, secret.SecretId)}/versions/{number}] not found.");
    }

    private static string Base64Standard(string data)
    {
        var normalized = data.Replace('-', '+').Replace('_', '/');
        return normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
    }
}
