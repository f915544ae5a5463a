using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Secret Manager v1: secrets, versions (add, get, list, access, enable, disable, destroy, the <c>latest</c> alias) and
/// per-secret IAM. Calls are synchronous. Names in answers use the project number, as Google's do. A permission held
/// through the secret's own policy counts as much as one held on the project.
/// </summary>
public sealed partial class SecretManagerApi : IEmulatedApi
{
    public const string Service = "secretmanager.googleapis.com";
    private const int MaxPayloadBytes = 65536;

    private static readonly MessageSchema Replication = new MessageSchema("google.cloud.secretmanager.v1.Replication")
        .AnyJson("automatic").AnyJson("userManaged");

    private static readonly MessageSchema Secret = new MessageSchema("google.cloud.secretmanager.v1.Secret")
        .String("name").Message("replication", Replication).String("createTime").StringMap("labels").AnyJson("topics")
        .String("expireTime").String("ttl").String("etag").AnyJson("rotation").AnyJson("versionAliases")
        .StringMap("annotations").String("versionDestroyTtl").AnyJson("customerManagedEncryption").StringMap("tags");

    private static readonly MessageSchema Payload = new MessageSchema("google.cloud.secretmanager.v1.SecretPayload")
        .Bytes("data").Int64("dataCrc32c");

    private static readonly MessageSchema AddVersionRequest = new MessageSchema("google.cloud.secretmanager.v1.AddSecretVersionRequest")
        .Message("payload", Payload, required: true);

    private static readonly MessageSchema VersionStateRequest = new MessageSchema("google.cloud.secretmanager.v1.DisableSecretVersionRequest")
        .String("etag");

    public ApiDescriptor Descriptor { get; } = new(
        "secretmanager", "secretmanager", RequiresAuthentication: true, EndpointOverride: "secretmanager", ServiceName: Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var secrets = routes.MapGroup("/secretmanager/v1/projects/{project}/secrets");
        secrets.MapPost("", context => Create(context, state));
        secrets.MapGet("", context => List(context, state));
        secrets.MapGet("/{secret}", context => Get(context, state));
        secrets.MapPatch("/{secret}", context => Patch(context, state));
        secrets.MapDelete("/{secret}", context => Delete(context, state));
        secrets.MapPost("/{secret}:addVersion", context => AddVersion(context, state));
        secrets.MapGet("/{secret}:getIamPolicy", context =>
        {
            CheckRequestedPolicyVersion(context);
            return IamPolicyEndpoints.GetAsync(context, state, Authorized(context, state, "secretmanager.secrets.getIamPolicy").Secret.Policy);
        });
        secrets.MapPost("/{secret}:setIamPolicy", context =>
            IamPolicyEndpoints.SetAsync(context, state, Authorized(context, state, "secretmanager.secrets.setIamPolicy").Secret.Policy));
        secrets.MapPost("/{secret}:testIamPermissions", context =>
        {
            var (project, secret) = Authorized(context, state, permission: null);
            return IamPolicyEndpoints.TestAsync(context, p => Holds(context, state, project, secret, p));
        });
        secrets.MapGet("/{secret}/versions", context => ListVersions(context, state));
        secrets.MapGet("/{secret}/versions/{version}", context => GetVersion(context, state));
        secrets.MapGet("/{secret}/versions/{version}:access", context => Access(context, state));
        secrets.MapPost("/{secret}/versions/{version}:enable", context => ChangeVersion(context, state, "enable", "ENABLED"));
        secrets.MapPost("/{secret}/versions/{version}:disable", context => ChangeVersion(context, state, "disable", "DISABLED"));
        secrets.MapPost("/{secret}/versions/{version}:destroy", context => ChangeVersion(context, state, "destroy", "DESTROYED"));
    }

    private static async Task Create(HttpContext context, EmulatorState state)
    {
        var project = Project(context, state);
        var secretId = context.Query("secretId") ?? "";
        Require(context, state, project, null, "secretmanager.secrets.create", $"projects/{project.ProjectNumber}");
        if (!SecretIdPattern().IsMatch(secretId))
        {
            throw GoogleApiError.InvalidArgument(
                $"The provided secret ID [{secretId}] does not match the expected format [[a-zA-Z_0-9-]{{1,255}}]", "secret_id");
        }
        var body = await context.ReadBodyAsync(Secret);
        if (body["replication"] is not JsonObject replication
            || (replication["automatic"] is null) == (replication["userManaged"] is null && replication["user_managed"] is null))
        {
            throw GoogleApiError.InvalidArgument("Secret.replication must specify exactly one of automatic or user_managed.", "secret.replication");
        }
        var secret = new SecretRecord
        {
            ProjectId = project.ProjectId,
            SecretId = secretId,
            Created = state.Clock.GetUtcNow(),
            Replication = (JsonObject)replication.DeepClone(),
            Labels = Labels(body["labels"]),
        };
        JsonObject json;
        lock (state.Gate)
        {
            var secrets = state.ApiState<SecretManagerState>().Secrets;
            if (secrets.ContainsKey((project.ProjectId, secretId)))
            {
                throw GoogleApiError.AlreadyExists($"Secret [{SecretName(project, secretId)}] already exists.");
            }
            secrets[(project.ProjectId, secretId)] = secret;
            json = SecretJson(project, secret);
        }
        await context.WriteJsonAsync(json);
    }

    private static Task Get(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.secrets.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(SecretJson(project, secret));
        }
    }

    private static Task List(HttpContext context, EmulatorState state)
    {
        var project = Project(context, state);
        Require(context, state, project, null, "secretmanager.secrets.list", $"projects/{project.ProjectNumber}");
        var body = new JsonObject();
        lock (state.Gate)
        {
            var secrets = state.ApiState<SecretManagerState>().Secrets.Values
                .Where(s => s.ProjectId == project.ProjectId)
                .OrderBy(s => s.SecretId, StringComparer.Ordinal)
                .Select(s => (JsonNode?)SecretJson(project, s))
                .ToArray();
            if (secrets.Length > 0)
            {
                body["secrets"] = new JsonArray(secrets);
                body["totalSize"] = secrets.Length;
            }
        }
        return context.WriteJsonAsync(body);
    }

    private static async Task Patch(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.secrets.update");
        var body = await context.ReadBodyAsync(Secret);
        var mask = (context.Query("updateMask") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mask.Length == 0)
        {
            throw GoogleApiError.InvalidArgument("update_mask must be specified.", "update_mask");
        }
        var unsupported = mask.FirstOrDefault(m => m != "labels");
        if (unsupported is not null)
        {
            throw GoogleApiError.InvalidArgument($"The update_mask path [{unsupported}] is not supported by this emulator: labels only.", "update_mask");
        }
        JsonObject json;
        lock (state.Gate)
        {
            CheckEtag(body["etag"]?.GetValue<string>(), secret.Etag);
            secret.Labels = Labels(body["labels"]);
            secret.Revision++;
            json = SecretJson(project, secret);
        }
        await context.WriteJsonAsync(json);
    }

    private static Task Delete(HttpContext context, EmulatorState state)
    {
        var (_, secret) = Authorized(context, state, "secretmanager.secrets.delete");
        lock (state.Gate)
        {
            CheckEtag(context.Query("etag"), secret.Etag);
            state.ApiState<SecretManagerState>().Secrets.Remove((secret.ProjectId, secret.SecretId));
            return context.WriteJsonAsync(new JsonObject());
        }
    }

    private static async Task AddVersion(HttpContext context, EmulatorState state)
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

    private static Task ListVersions(HttpContext context, EmulatorState state)
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

    private static Task GetVersion(HttpContext context, EmulatorState state)
    {
        var (project, secret) = Authorized(context, state, "secretmanager.versions.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(VersionJson(project, secret, Version(context, project, secret)));
        }
    }

    private static Task Access(HttpContext context, EmulatorState state)
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

    private static async Task ChangeVersion(HttpContext context, EmulatorState state, string verb, string newState)
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
    private static SecretVersionRecord Version(HttpContext context, ProjectState project, SecretRecord secret)
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

    private static ProjectState Project(HttpContext context, EmulatorState state)
    {
        var id = context.Route("project");
        var project = state.FindProject(id) ?? throw GoogleApiError.PermissionDenied(
            $"Permission denied on resource project {id}.", "CONSUMER_INVALID");
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "Secret Manager API");
        }
        return project;
    }

    /// <summary>
    /// The project and secret of the route, when the caller holds <paramref name="permission"/> on the project or
    /// on the secret (403 before 404, so a caller without access learns nothing).
    /// </summary>
    private static (ProjectState Project, SecretRecord Secret) Authorized(HttpContext context, EmulatorState state, string? permission)
    {
        var project = Project(context, state);
        var secretId = context.Route("secret");
        SecretRecord? secret;
        lock (state.Gate)
        {
            secret = state.ApiState<SecretManagerState>().Secrets.GetValueOrDefault((project.ProjectId, secretId));
        }
        var resource = SecretName(project, secretId);
        if (context.GetRouteValue("version") is string version)
        {
            resource += "/versions/" + version;
        }
        if (permission is not null)
        {
            Require(context, state, project, secret, permission, resource);
        }
        return (project, secret ?? throw GoogleApiError.NotFound($"Secret [{SecretName(project, secretId)}] not found."));
    }

    private static void Require(HttpContext context, EmulatorState state, ProjectState project, SecretRecord? secret, string permission, string resource)
    {
        if (!Holds(context, state, project, secret, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied for resource '{resource}' (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
    }

    private static bool Holds(HttpContext context, EmulatorState state, ProjectState project, SecretRecord? secret, string permission)
    {
        var caller = context.Caller();
        if (state.HasPermission(caller, project, permission))
        {
            return true;
        }
        lock (state.Gate)
        {
            return caller is not null && secret is not null && secret.Policy.Grants(caller.Member, permission);
        }
    }

    /// <summary>getIamPolicy is a GET here: the requested version comes in the query.</summary>
    private static void CheckRequestedPolicyVersion(HttpContext context)
    {
        var requested = context.Query("options.requestedPolicyVersion");
        if (requested is not null and not ("0" or "1" or "3"))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid requested_policy_version: {requested}. Valid values are 0, 1 and 3.", "options.requested_policy_version");
        }
    }

    private static void CheckEtag(string? sent, string current)
    {
        if (!string.IsNullOrEmpty(sent) && sent != current)
        {
            throw GoogleApiError.Aborted("The etag provided in the request does not match the current etag of the resource.");
        }
    }

    /// <summary>Labels as Google allows them: at most 64; keys 1-63 lowercase letters, digits, _ and -, a letter first; values up to 63.</summary>
    private static SortedDictionary<string, string> Labels(JsonNode? labels)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels as JsonObject ?? new JsonObject())
        {
            var text = value?.GetValue<string>() ?? "";
            if (!LabelKeyPattern().IsMatch(key) || !LabelValuePattern().IsMatch(text))
            {
                throw GoogleApiError.InvalidArgument(
                    $"The label [{key}: {text}] is invalid: keys are 1-63 lowercase letters, digits, '_' or '-' starting " +
                    "with a letter; values are up to 63 of the same characters.", "secret.labels");
            }
            result[key] = text;
        }
        if (result.Count > 64)
        {
            throw GoogleApiError.InvalidArgument("A secret can have at most 64 labels.", "secret.labels");
        }
        return result;
    }

    private static string Base64Standard(string data)
    {
        var normalized = data.Replace('-', '+').Replace('_', '/');
        return normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
    }

    private static string SecretName(ProjectState project, string secretId) => $"projects/{project.ProjectNumber}/secrets/{secretId}";

    private static string VersionName(ProjectState project, SecretRecord secret, SecretVersionRecord version) =>
        $"{SecretName(project, secret.SecretId)}/versions/{version.Number}";

    private static string VersionEtag(SecretVersionRecord version) =>
        $"\"{version.Created.ToUnixTimeMilliseconds() * 1000 + version.State.Length:x}\"";

    private static JsonObject SecretJson(ProjectState project, SecretRecord secret)
    {
        var json = new JsonObject
        {
            ["name"] = SecretName(project, secret.SecretId),
            ["replication"] = secret.Replication.DeepClone(),
            ["createTime"] = Timestamp(secret.Created),
            ["etag"] = secret.Etag,
        };
        if (secret.Labels.Count > 0)
        {
            json["labels"] = new JsonObject(secret.Labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value)));
        }
        return json;
    }

    private static JsonObject VersionJson(ProjectState project, SecretRecord secret, SecretVersionRecord version)
    {
        var json = new JsonObject
        {
            ["name"] = VersionName(project, secret, version),
            ["createTime"] = Timestamp(version.Created),
            ["state"] = version.State,
            ["replicationStatus"] = secret.Replication["automatic"] is not null
                ? new JsonObject { ["automatic"] = new JsonObject() }
                : new JsonObject { ["userManaged"] = new JsonObject() },
            ["etag"] = VersionEtag(version),
        };
        if (version.ClientChecksum)
        {
            json["clientSpecifiedPayloadChecksum"] = true;
        }
        if (version.Destroyed is { } destroyed)
        {
            json["destroyTime"] = Timestamp(destroyed);
        }
        return json;
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[a-z0-9_-]{0,63}$")]
    private static partial Regex LabelValuePattern();
}
