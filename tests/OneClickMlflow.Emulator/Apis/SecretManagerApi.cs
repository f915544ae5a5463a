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
using static OneClickMlflow.Emulator.Apis.SecretManagerAccess;
using static OneClickMlflow.Emulator.Apis.SecretManagerViews;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Secret Manager v1: secrets, versions (add, get, list, access, enable, disable, destroy, the <c>latest</c> alias) and
/// per-secret IAM. Calls are synchronous. Names in answers use the project number, as Google's do. A permission held
/// through the secret's own policy counts as much as one held on the project.
/// </summary>
public sealed partial class SecretManagerApi : IEmulatedApi
{
    public const string Service = "secretmanager.googleapis.com";

    private static readonly MessageSchema Replication = new MessageSchema("google.cloud.secretmanager.v1.Replication")
        .AnyJson("automatic").AnyJson("userManaged");

    private static readonly MessageSchema Secret = new MessageSchema("google.cloud.secretmanager.v1.Secret")
        .String("name").Message("replication", Replication).String("createTime").StringMap("labels").AnyJson("topics")
        .String("expireTime").String("ttl").String("etag").AnyJson("rotation").AnyJson("versionAliases")
        .StringMap("annotations").String("versionDestroyTtl").AnyJson("customerManagedEncryption").StringMap("tags");

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
        secrets.MapPost("/{secret}:addVersion", context => SecretVersionEndpoints.AddVersion(context, state));
        secrets.MapGet("/{secret}:getIamPolicy", context =>
            IamPolicyEndpoints.GetByQueryAsync(context, state, Authorized(context, state, "secretmanager.secrets.getIamPolicy").Secret.Policy));
        secrets.MapPost("/{secret}:setIamPolicy", context =>
            IamPolicyEndpoints.SetAsync(context, state, Authorized(context, state, "secretmanager.secrets.setIamPolicy").Secret.Policy));
        secrets.MapPost("/{secret}:testIamPermissions", context =>
        {
            var (project, secret) = Authorized(context, state, permission: null);
            return IamPolicyEndpoints.TestAsync(context, p => Holds(context, state, project, secret, p));
        });
        secrets.MapGet("/{secret}/versions", context => SecretVersionEndpoints.ListVersions(context, state));
        secrets.MapGet("/{secret}/versions/{version}", context => SecretVersionEndpoints.GetVersion(context, state));
        secrets.MapGet("/{secret}/versions/{version}:access", context => SecretVersionEndpoints.Access(context, state));
        secrets.MapPost("/{secret}/versions/{version}:enable", context => SecretVersionEndpoints.ChangeVersion(context, state, "enable", "ENABLED"));
        secrets.MapPost("/{secret}/versions/{version}:disable", context => SecretVersionEndpoints.ChangeVersion(context, state, "disable", "DISABLED"));
        secrets.MapPost("/{secret}/versions/{version}:destroy", context => SecretVersionEndpoints.ChangeVersion(context, state, "destroy", "DESTROYED"));
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
            Labels = ResourceLabels.Parse(body["labels"], "secret.labels"),
            Annotations = ParseAnnotations(body["annotations"]),
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
        var unsupported = mask.FirstOrDefault(m => m != "labels" && m != "annotations");
        if (unsupported is not null)
        {
            throw GoogleApiError.InvalidArgument($"The update_mask path [{unsupported}] is not supported by this emulator: labels and annotations only.", "update_mask");
        }
        var labels = mask.Contains("labels") ? ResourceLabels.Parse(body["labels"], "secret.labels") : null;
        var annotations = mask.Contains("annotations") ? ParseAnnotations(body["annotations"]) : null;
        JsonObject json;
        lock (state.Gate)
        {
            CheckEtag(body["etag"]?.GetValue<string>(), secret.Etag);
            secret.Labels = labels ?? secret.Labels;
            secret.Annotations = annotations ?? secret.Annotations;
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

    /// <summary>
    /// Secret.annotations as the v1 messages describe them: keys of 1 to 63 characters that begin and end with a letter or
    /// digit, with dashes, underscores and dots between; keys and values together under 16 KiB.
    /// </summary>
    private static SortedDictionary<string, string> ParseAnnotations(JsonNode? node)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node is not JsonObject map)
        {
            return annotations;
        }
        foreach (var (key, value) in map)
        {
            if (!AnnotationKeyPattern().IsMatch(key))
            {
                throw GoogleApiError.InvalidArgument($"Invalid annotation key [{key}].", "secret.annotations");
            }
            annotations[key] = value?.GetValue<string>() ?? "";
        }
        if (annotations.Sum(a => System.Text.Encoding.UTF8.GetByteCount(a.Key) + System.Text.Encoding.UTF8.GetByteCount(a.Value)) >= 16 * 1024)
        {
            throw GoogleApiError.InvalidArgument("The total size of annotation keys and values must be less than 16KiB.", "secret.annotations");
        }
        return annotations;
    }

    [GeneratedRegex(@"\A[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,61}[a-zA-Z0-9])?\z")]
    private static partial Regex AnnotationKeyPattern();

    [GeneratedRegex(@"\A[a-zA-Z0-9_-]{1,255}\z")]
    private static partial Regex SecretIdPattern();
}
