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
using OneClickMlflow.Emulator.Registry;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Artifact Registry v1: repositories (create and delete as operations; get, list, patch of labels and description),
/// their operations, and the docker images of a repository as the registry of the token service holds them. Names use the project id, as Google's do; Docker repositories carry their
/// <c>registryUri</c> <c>{location}-docker.pkg.dev/{project}/{repository}</c>.
/// </summary>
public sealed partial class ArtifactRegistryApi : IEmulatedApi
{
    public const string Service = "artifactregistry.googleapis.com";
    private const string TypePrefix = "type.googleapis.com/google.devtools.artifactregistry.v1.";

    private static readonly string[] Formats =
        { "FORMAT_UNSPECIFIED", "DOCKER", "MAVEN", "NPM", "APT", "YUM", "GOOGET", "PYTHON", "KFP", "GO", "GENERIC", "RUBY" };

    private static readonly string[] Modes =
        { "MODE_UNSPECIFIED", "STANDARD_REPOSITORY", "VIRTUAL_REPOSITORY", "REMOTE_REPOSITORY", "AOSS_REPOSITORY", "ASSURED_OSS_REPOSITORY" };

    private static readonly MessageSchema Repository = new MessageSchema("google.devtools.artifactregistry.v1.Repository")
        .String("name").Enum("format", "google.devtools.artifactregistry.v1.Repository.Format", Formats)
        .Enum("mode", "google.devtools.artifactregistry.v1.Repository.Mode", Modes)
        .String("description").StringMap("labels").String("createTime").String("updateTime").String("kmsKeyName")
        .AnyJson("cleanupPolicies").Bool("cleanupPolicyDryRun").Bool("disallowUnspecifiedMode").AnyJson("dockerConfig")
        .AnyJson("mavenConfig").AnyJson("networkConfig").String("registryUri").AnyJson("remoteRepositoryConfig")
        .Bool("satisfiesPzi").Bool("satisfiesPzs").AnyJson("sbomConfig").Int64("sizeBytes")
        .AnyJson("virtualRepositoryConfig").AnyJson("vulnerabilityScanningConfig");

    public ApiDescriptor Descriptor { get; } = new(
        "artifactregistry", "artifactregistry", RequiresAuthentication: true, EndpointOverride: "artifactregistry", ServiceName: Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var location = routes.MapGroup("/artifactregistry/v1/projects/{project}/locations/{location}");
        location.MapPost("/repositories", context => Create(context, state));
        location.MapGet("/repositories", context => List(context, state));
        location.MapGet("/repositories/{repository}", context => Get(context, state));
        location.MapPatch("/repositories/{repository}", context => Patch(context, state));
        location.MapDelete("/repositories/{repository}", context => Delete(context, state));
        location.MapGet("/repositories/{repository}/dockerImages", context => ListDockerImages(context, state));
        // getIamPolicy is a GET with options.requestedPolicyVersion in the query; setIamPolicy a POST of {policy}.
        location.MapGet("/repositories/{repository}:getIamPolicy", context =>
            IamPolicyEndpoints.GetByQueryAsync(context, state, Existing(context, state, "artifactregistry.repositories.getIamPolicy").Policy));
        location.MapPost("/repositories/{repository}:setIamPolicy", context =>
            IamPolicyEndpoints.SetAsync(context, state, Existing(context, state, "artifactregistry.repositories.setIamPolicy").Policy));
        location.MapGet("/operations/{operation}", context => GetOperation(context, state));
    }

    private static async Task Create(HttpContext context, EmulatorState state)
    {
        var (project, location) = Location(context, state, "artifactregistry.repositories.create");
        var repositoryId = context.Query("repositoryId") ?? context.Query("repository_id") ?? "";
        if (!RepositoryIdPattern().IsMatch(repositoryId))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid repository ID \"{repositoryId}\": it must be 1-63 lowercase letters, digits and hyphens, start " +
                "with a letter and end with a letter or digit.", "repository_id");
        }
        var body = await context.ReadBodyAsync(Repository);
        var format = body["format"]?.GetValue<string>() ?? "FORMAT_UNSPECIFIED";
        if (format == "FORMAT_UNSPECIFIED")
        {
            throw GoogleApiError.InvalidArgument("Repository format must be specified.", "repository.format");
        }
        var mode = body["mode"]?.GetValue<string>() ?? "STANDARD_REPOSITORY";
        if (mode != "STANDARD_REPOSITORY" && mode != "MODE_UNSPECIFIED")
        {
            throw GoogleApiError.InvalidArgument($"This emulator makes standard repositories only, not {mode}.", "repository.mode");
        }
        var now = state.Clock.GetUtcNow();
        var record = new ArtifactRepositoryRecord
        {
            ProjectId = project.ProjectId,
            Location = location,
            RepositoryId = repositoryId,
            Format = format,
            Mode = "STANDARD_REPOSITORY",
            Created = now,
            Updated = now,
            Description = body["description"]?.GetValue<string>() ?? "",
            Labels = ResourceLabels.Parse(body["labels"], "repository.labels"),
        };
        lock (state.Gate)
        {
            if (state.ApiState<ArtifactRegistryState>().Repositories.ContainsKey(Key(record)))
            {
                throw GoogleApiError.AlreadyExists($"the repository already exists: {RepositoryName(record)}");
            }
        }
        var operation = StartOperation(state, record, "artifactregistry.repositories.create", () =>
        {
            var repositories = state.ApiState<ArtifactRegistryState>().Repositories;
            if (repositories.ContainsKey(Key(record)))
            {
                throw GoogleApiError.AlreadyExists($"the repository already exists: {RepositoryName(record)}");
            }
            repositories[Key(record)] = record;
            var json = RepositoryJson(record);
            json.Insert(0, "@type", TypePrefix + "Repository");
            return json;
        });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static Task Get(HttpContext context, EmulatorState state)
    {
        var record = Existing(context, state, "artifactregistry.repositories.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(RepositoryJson(record));
        }
    }

    private static Task List(HttpContext context, EmulatorState state)
    {
        var (project, location) = Location(context, state, "artifactregistry.repositories.list");
        var body = new JsonObject();
        lock (state.Gate)
        {
            var repositories = state.ApiState<ArtifactRegistryState>().Repositories.Values
                .Where(r => r.ProjectId == project.ProjectId && r.Location == location)
                .OrderBy(r => r.RepositoryId, StringComparer.Ordinal)
                .Select(r => (JsonNode?)RepositoryJson(r))
                .ToArray();
            if (repositories.Length > 0)
            {
                body["repositories"] = new JsonArray(repositories);
            }
        }
        return context.WriteJsonAsync(body);
    }

    /// <summary>PATCH with <c>updateMask</c> labels and/or description; without a mask both are replaced.</summary>
    private static async Task Patch(HttpContext context, EmulatorState state)
    {
        var record = Existing(context, state, "artifactregistry.repositories.update");
        var body = await context.ReadBodyAsync(Repository);
        var mask = (context.Query("updateMask") ?? "labels,description")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unsupported = mask.FirstOrDefault(m => m != "labels" && m != "description");
        if (unsupported is not null)
        {
            throw GoogleApiError.InvalidArgument($"The update_mask path [{unsupported}] is not supported by this emulator: labels and description only.", "update_mask");
        }
        var labels = mask.Contains("labels") ? ResourceLabels.Parse(body["labels"], "repository.labels") : null;
        JsonObject json;
        lock (state.Gate)
        {
            if (labels is not null)
            {
                record.Labels = labels;
            }
            if (mask.Contains("description"))
            {
                record.Description = body["description"]?.GetValue<string>() ?? "";
            }
            record.Updated = state.Clock.GetUtcNow();
            json = RepositoryJson(record);
        }
        await context.WriteJsonAsync(json);
    }

    private static async Task Delete(HttpContext context, EmulatorState state)
    {
        var record = Existing(context, state, "artifactregistry.repositories.delete");
        var operation = StartOperation(state, record, "artifactregistry.repositories.delete", () =>
        {
            state.ApiState<ArtifactRegistryState>().Repositories.Remove(Key(record));
            return null;
        });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    /// <summary>The images the registry holds under <c>{project}/{repository}/</c>, one entry per digest with its tags.</summary>
    private static async Task ListDockerImages(HttpContext context, EmulatorState state)
    {
        var record = Existing(context, state, "artifactregistry.dockerimages.list");
        var images = await RegistryContents.ImagesAsync(state.ApiState<RegistryTokenSettings>(), state.Clock.GetUtcNow(),
            $"{record.ProjectId}/{record.RepositoryId}/", context.RequestAborted);
        var body = new JsonObject();
        if (images.Count > 0)
        {
            body["dockerImages"] = new JsonArray(images.Select(image => (JsonNode?)new JsonObject
            {
                ["name"] = $"{RepositoryName(record)}/dockerImages/{Uri.EscapeDataString(image.Name)}@{image.Digest}",
                ["uri"] = $"{RegistryUri(record)}/{image.Name}@{image.Digest}",
                ["tags"] = new JsonArray(image.Tags.Select(t => (JsonNode?)t).ToArray()),
                ["mediaType"] = image.MediaType,
            }).ToArray());
        }
        await context.WriteJsonAsync(body);
    }

    private static Task GetOperation(HttpContext context, EmulatorState state)
    {
        var (project, location) = Location(context, state, "artifactregistry.repositories.get");
        var name = $"projects/{project.ProjectId}/locations/{location}/operations/{context.Route("operation")}";
        var operation = state.Operations.Find(name) ?? throw GoogleApiError.NotFound($"Operation {name} not found.");
        return context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static EmulatedOperation StartOperation(EmulatorState state, ArtifactRepositoryRecord record, string kind, Func<JsonNode?> complete)
    {
        var name = $"projects/{record.ProjectId}/locations/{record.Location}/operations/{Guid.NewGuid()}";
        var metadata = new JsonObject { ["@type"] = TypePrefix + "OperationMetadata" };
        return state.Operations.Start(name, kind, complete, metadata);
    }

    /// <summary>The project (API enabled, permission held when one is named) and a location Artifact Registry serves.</summary>
    private static (ProjectState Project, string Location) Location(HttpContext context, EmulatorState state, string? permission)
    {
        var id = context.Route("project");
        var location = context.Route("location");
        var project = state.FindProject(id) ?? throw GoogleApiError.PermissionDenied(
            $"Permission '{permission}' denied on resource 'projects/{id}' (or it may not exist).", "IAM_PERMISSION_DENIED");
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "Artifact Registry API");
        }
        if (permission is not null)
        {
            context.RequirePermission(state, project, permission,
                $"Permission '{permission}' denied on resource 'projects/{project.ProjectId}/locations/{location}' (or it may not exist).");
        }
        if (!IsLocation(location))
        {
            throw GoogleApiError.InvalidArgument($"Invalid location \"{location}\": Artifact Registry has no such location.", "parent");
        }
        return (project, location);
    }

    /// <summary>The repository, when the caller holds the permission on it (its own policy or the project's).</summary>
    private static ArtifactRepositoryRecord Existing(HttpContext context, EmulatorState state, string permission)
    {
        var (project, location) = Location(context, state, permission: null);
        var repositoryId = context.Route("repository");
        var name = $"projects/{project.ProjectId}/locations/{location}/repositories/{repositoryId}";
        lock (state.Gate)
        {
            var record = state.ApiState<ArtifactRegistryState>().Repositories.GetValueOrDefault((project.ProjectId, location, repositoryId));
            var caller = context.Caller();
            var allowed = caller is null
                ? state.AllowUnauthenticated
                : record is null ? project.Grants(caller.Member, permission) : ArtifactRegistryState.Grants(project, record, caller.Member, permission);
            if (!allowed)
            {
                throw GoogleApiError.PermissionDenied($"Permission '{permission}' denied on resource '{name}' (or it may not exist).",
                    "IAM_PERMISSION_DENIED");
            }
            return record ?? throw GoogleApiError.NotFound($"Requested entity was not found. Repository {name}");
        }
    }

    /// <summary>Regions, and the multi-regions us, europe and asia.</summary>
    public static bool IsLocation(string location) =>
        StorageLocations.Regions.Contains(location) || location is "us" or "europe" or "asia";

    public static string RegistryUri(ArtifactRepositoryRecord record) =>
        $"{record.Location}-docker.pkg.dev/{record.ProjectId.Replace(':', '/')}/{record.RepositoryId}";

    private static (string, string, string) Key(ArtifactRepositoryRecord record) => (record.ProjectId, record.Location, record.RepositoryId);

    private static string RepositoryName(ArtifactRepositoryRecord record) =>
        $"projects/{record.ProjectId}/locations/{record.Location}/repositories/{record.RepositoryId}";

    private static JsonObject RepositoryJson(ArtifactRepositoryRecord record)
    {
        var json = new JsonObject
        {
            ["name"] = RepositoryName(record),
            ["format"] = record.Format,
            ["mode"] = record.Mode,
            ["createTime"] = record.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
            ["updateTime"] = record.Updated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
            ["satisfiesPzi"] = false,
            ["satisfiesPzs"] = false,
            ["sizeBytes"] = "0",
        };
        if (record.Description.Length > 0)
        {
            json["description"] = record.Description;
        }
        if (record.Labels.Count > 0)
        {
            json["labels"] = new JsonObject(record.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }
        if (record.Format == "DOCKER")
        {
            json["registryUri"] = RegistryUri(record);
        }
        return json;
    }

    [GeneratedRegex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex RepositoryIdPattern();
}
