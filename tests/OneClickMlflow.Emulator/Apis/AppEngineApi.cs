using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// App Engine Admin v1: the application (create as an operation, get, patch of iap / servingStatus), services
/// (list, get, traffic split, delete) and flexible versions (create as an operation, get, list, delete), and
/// operations. Requests arrive as <c>/appengine/v1/apps/...</c> (gcloud's override name plus the version).
/// </summary>
public sealed partial class AppEngineApi : IEmulatedApi
{
    public const string Service = "appengine.googleapis.com";
    private const string TypePrefix = "type.googleapis.com/google.appengine.v1.";

    /// <summary>App Engine location ids and the region code of their hostnames (two ids differ from region names).</summary>
    public static readonly IReadOnlyDictionary<string, string> LocationCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["us-central"] = "uc",
        ["europe-west"] = "ew",
        ["us-east1"] = "ue",
        ["us-east4"] = "uk",
        ["us-west1"] = "uw",
        ["us-west2"] = "wl",
        ["europe-west2"] = "nw",
        ["europe-west3"] = "ey",
        ["europe-west6"] = "oa",
        ["asia-northeast1"] = "an",
        ["asia-south1"] = "el",
        ["australia-southeast1"] = "ts",
        ["northamerica-northeast1"] = "nn",
        ["southamerica-east1"] = "rj",
        ["asia-east1"] = "de",
        ["asia-east2"] = "df",
        ["asia-northeast2"] = "dt",
        ["asia-northeast3"] = "du",
        ["asia-southeast1"] = "as",
        ["asia-southeast2"] = "et",
        ["europe-central2"] = "lm",
        ["us-west3"] = "wn",
        ["us-west4"] = "wm",
    };

    public ApiDescriptor Descriptor { get; } = new("appengine", "appengine", RequiresAuthentication: true, EndpointOverride: "appengine", ServiceName: Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapPost("/appengine/v1/apps", context => CreateApp(context, state));
        var app = routes.MapGroup("/appengine/v1/apps/{app}");
        app.MapGet("", context => GetApp(context, state));
        app.MapPatch("", context => PatchApp(context, state));
        app.MapGet("/operations", context => ListOperations(context, state));
        app.MapGet("/operations/{operation}", context => GetOperation(context, state));
        app.MapGet("/services", context => ListServices(context, state));
        app.MapGet("/services/{service}", context => GetService(context, state));
        app.MapPatch("/services/{service}", context => PatchService(context, state));
        app.MapDelete("/services/{service}", context => DeleteService(context, state));
        app.MapPost("/services/{service}/versions", context => AppEngineVersions.Create(context, state));
        app.MapGet("/services/{service}/versions", context => AppEngineVersions.List(context, state));
        app.MapGet("/services/{service}/versions/{version}", context => AppEngineVersions.Get(context, state));
        app.MapPatch("/services/{service}/versions/{version}", context => AppEngineVersions.Patch(context, state));
        app.MapDelete("/services/{service}/versions/{version}", context => AppEngineVersions.Delete(context, state));
    }

    private static async Task CreateApp(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(AppEngineSchemas.Application);
        var id = body["id"]?.GetValue<string>() ?? "";
        var project = Project(context, state, id, "appengine.applications.create");
        var location = body["locationId"]?.GetValue<string>() ?? "";
        if (!LocationCodes.TryGetValue(location, out var code))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid location: {location}. Valid locations are: {string.Join(", ", LocationCodes.Keys)}.", "application.location_id");
        }
        var record = new AppEngineApplication
        {
            Id = project.ProjectId,
            LocationId = location,
            DefaultHostname = $"{project.ProjectId}.{code}.r.appspot.com",
            Created = state.Clock.GetUtcNow(),
            AuthDomain = body["authDomain"]?.GetValue<string>() ?? "gmail.com",
        };
        lock (state.Gate)
        {
            if (state.ApiState<AppEngineState>().Apps.ContainsKey(record.Id))
            {
                throw GoogleApiError.AlreadyExists($"This application already exists and cannot be re-created.");
            }
        }
        var operation = StartOperation(state, record.Id, "appengine.apps.create", "google.appengine.v1.Applications.CreateApplication", $"apps/{record.Id}", () =>
        {
            var apps = state.ApiState<AppEngineState>().Apps;
            if (apps.ContainsKey(record.Id))
            {
                throw GoogleApiError.AlreadyExists("This application already exists and cannot be re-created.");
            }
            apps[record.Id] = record;
            // Google makes the app's default service account with the app.
            state.AddServiceAccount(DefaultServiceAccount(record), record.Id);
            return Typed("Application", AppJson(record));
        });
        await WriteOperation(context, state, operation);
    }

    private static Task GetApp(HttpContext context, EmulatorState state)
    {
        var app = ExistingApp(context, state, "appengine.applications.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(AppJson(app));
        }
    }

    /// <summary>PATCH with updateMask iap, servingStatus or authDomain; the location can never change.</summary>
    private static async Task PatchApp(HttpContext context, EmulatorState state)
    {
        var app = ExistingApp(context, state, "appengine.applications.update");
        var body = await context.ReadBodyAsync(AppEngineSchemas.Application);
        var mask = Mask(context);
        if (mask.Contains("location_id") || mask.Contains("locationId"))
        {
            throw GoogleApiError.InvalidArgument("The location of an application cannot be changed once it is created.", "update_mask");
        }
        var unsupported = mask.FirstOrDefault(m => m is not ("iap" or "serving_status" or "servingStatus" or "auth_domain" or "authDomain"));
        if (mask.Length == 0 || unsupported is not null)
        {
            throw GoogleApiError.InvalidArgument($"Unsupported field mask path: [{unsupported ?? ""}].", "update_mask");
        }
        var operation = StartOperation(state, app.Id, "appengine.apps.patch", "google.appengine.v1.Applications.UpdateApplication", $"apps/{app.Id}", () =>
        {
            if (mask.Contains("iap"))
            {
                var iap = body["iap"] as JsonObject ?? new JsonObject();
                app.LastIapRequest = (JsonObject)iap.DeepClone();
                app.IapEnabled = iap["enabled"]?.GetValue<bool>() ?? false;
                app.OAuthClientId = iap["oauth2ClientId"]?.GetValue<string>() is { Length: > 0 } client ? client : null;
                if (iap["oauth2ClientSecret"]?.GetValue<string>() is { Length: > 0 } secret)
                {
                    app.OAuthClientSecretSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
                }
                else if (app.OAuthClientId is null)
                {
                    app.OAuthClientSecretSha256 = null;
                }
            }
            if (mask.Contains("serving_status") || mask.Contains("servingStatus"))
            {
                app.ServingStatus = body["servingStatus"]?.GetValue<string>() ?? "SERVING";
            }
            if (mask.Contains("auth_domain") || mask.Contains("authDomain"))
            {
                app.AuthDomain = body["authDomain"]?.GetValue<string>() ?? app.AuthDomain;
            }
            return Typed("Application", AppJson(app));
        });
        await WriteOperation(context, state, operation);
    }

    private static Task ListServices(HttpContext context, EmulatorState state)
    {
        var app = ExistingApp(context, state, "appengine.services.list");
        lock (state.Gate)
        {
            var services = app.Services.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => (JsonNode?)ServiceJson(app, s)).ToArray();
            var body = new JsonObject();
            if (services.Length > 0)
            {
                body["services"] = new JsonArray(services);
            }
            return context.WriteJsonAsync(body);
        }
    }

    private static Task GetService(HttpContext context, EmulatorState state)
    {
        var (app, service) = ExistingService(context, state, "appengine.services.get");
        lock (state.Gate)
        {
            return context.WriteJsonAsync(ServiceJson(app, service));
        }
    }

    /// <summary>PATCH <c>?updateMask=split</c>: allocations must name existing versions and sum to 1.</summary>
    private static async Task PatchService(HttpContext context, EmulatorState state)
    {
        var (app, service) = ExistingService(context, state, "appengine.services.update");
        var body = await context.ReadBodyAsync(AppEngineSchemas.Service);
        var mask = Mask(context);
        if (!mask.SequenceEqual(new[] { "split" }))
        {
            throw GoogleApiError.InvalidArgument("Only the split field of a service can be updated: use updateMask=split.", "update_mask");
        }
        var allocations = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (version, share) in body["split"]?["allocations"] as JsonObject ?? new JsonObject())
        {
            allocations[version] = share!.GetValue<double>();
        }
        lock (state.Gate)
        {
            var missing = allocations.Keys.FirstOrDefault(v => !service.Versions.ContainsKey(v));
            if (missing is not null)
            {
                throw GoogleApiError.InvalidArgument($"Version [{missing}] does not exist in service [{service.Id}].", "service.split.allocations");
            }
        }
        if (allocations.Count == 0 || Math.Abs(allocations.Values.Sum() - 1.0) > 1e-9 || allocations.Values.Any(a => a < 0))
        {
            throw GoogleApiError.InvalidArgument("Traffic allocations must sum to 1.", "service.split.allocations");
        }
        var shardBy = body["split"]?["shardBy"]?.GetValue<string>() is { } s && s != "UNSPECIFIED" ? s : service.ShardBy;
        var operation = StartOperation(state, app.Id, "appengine.services.patch", "google.appengine.v1.Services.UpdateService",
            $"apps/{app.Id}/services/{service.Id}", () =>
            {
                service.Allocations = allocations;
                service.ShardBy = shardBy;
                return Typed("Service", ServiceJson(app, service));
            });
        await WriteOperation(context, state, operation);
    }

    private static async Task DeleteService(HttpContext context, EmulatorState state)
    {
        var (app, service) = ExistingService(context, state, "appengine.services.delete");
        if (service.Id == "default")
        {
            throw GoogleApiError.InvalidArgument("The default service (module) may not be deleted, and must comprise at least one version.");
        }
        var operation = StartOperation(state, app.Id, "appengine.services.delete", "google.appengine.v1.Services.DeleteService",
            $"apps/{app.Id}/services/{service.Id}", () =>
            {
                app.Services.Remove(service.Id);
                return null;
            });
        await WriteOperation(context, state, operation);
    }

    private static Task ListOperations(HttpContext context, EmulatorState state)
    {
        var app = ExistingApp(context, state, "appengine.operations.list");
        var prefix = $"apps/{app.Id}/operations/";
        var operations = state.Operations.All().Where(o => o.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(o => (JsonNode?)state.Operations.Render(o, v => v.ToLongRunningJson())).ToArray();
        var body = new JsonObject();
        if (operations.Length > 0)
        {
            body["operations"] = new JsonArray(operations);
        }
        return context.WriteJsonAsync(body);
    }

    private static Task GetOperation(HttpContext context, EmulatorState state)
    {
        var id = context.Route("app");
        Project(context, state, id, "appengine.operations.get");
        var name = $"apps/{id}/operations/{context.Route("operation")}";
        var operation = state.Operations.Find(name) ?? throw GoogleApiError.NotFound($"Operation {name} not found.");
        return WriteOperation(context, state, operation);
    }

    internal static Task WriteOperation(HttpContext context, EmulatorState state, EmulatedOperation operation) =>
        context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));

    internal static EmulatedOperation StartOperation(
        EmulatorState state, string appId, string kind, string method, string target, Func<JsonNode?> complete)
    {
        var name = $"apps/{appId}/operations/{Guid.NewGuid()}";
        var metadata = new JsonObject
        {
            ["@type"] = TypePrefix + "OperationMetadataV1",
            ["method"] = method,
            ["insertTime"] = Timestamp(state.Clock.GetUtcNow()),
            ["target"] = target,
        };
        return state.Operations.Start(name, kind, complete, metadata);
    }

    internal static JsonObject Typed(string type, JsonObject json)
    {
        json.Insert(0, "@type", TypePrefix + type);
        return json;
    }

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ");

    internal static string[] Mask(HttpContext context) =>
        (context.Query("updateMask") ?? context.Query("update_mask") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The project named by an app id (API enabled, permission held); 403 for an unknown project, as Google answers.</summary>
    internal static ProjectState Project(HttpContext context, EmulatorState state, string appId, string permission)
    {
        var project = state.FindProject(appId) ?? throw GoogleApiError.PermissionDenied(
            $"The caller does not have permission", "IAM_PERMISSION_DENIED");
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "App Engine Admin API");
        }
        context.RequirePermission(state, project, permission, "The caller does not have permission");
        return project;
    }

    internal static AppEngineApplication ExistingApp(HttpContext context, EmulatorState state, string permission)
    {
        var id = context.Route("app");
        var project = Project(context, state, id, permission);
        lock (state.Gate)
        {
            return state.ApiState<AppEngineState>().Apps.GetValueOrDefault(project.ProjectId)
                ?? throw GoogleApiError.NotFound($"Could not find Application \"{id}\".");
        }
    }

    internal static (AppEngineApplication App, AppEngineService Service) ExistingService(HttpContext context, EmulatorState state, string permission)
    {
        var app = ExistingApp(context, state, permission);
        var id = context.Route("service");
        lock (state.Gate)
        {
            return (app, app.Services.GetValueOrDefault(id) ?? throw GoogleApiError.NotFound($"Unable to retrieve service \"{id}\"."));
        }
    }

    internal static JsonObject AppJson(AppEngineApplication app)
    {
        var iap = new JsonObject { ["enabled"] = app.IapEnabled };
        if (app.OAuthClientId is not null)
        {
            iap["oauth2ClientId"] = app.OAuthClientId;
        }
        if (app.OAuthClientSecretSha256 is not null)
        {
            iap["oauth2ClientSecretSha256"] = app.OAuthClientSecretSha256;
        }
        return new JsonObject
        {
            ["name"] = $"apps/{app.Id}",
            ["id"] = app.Id,
            ["authDomain"] = app.AuthDomain,
            ["locationId"] = app.LocationId,
            ["codeBucket"] = $"staging.{app.Id}.appspot.com",
            ["servingStatus"] = app.ServingStatus,
            ["defaultHostname"] = app.DefaultHostname,
            ["defaultBucket"] = $"{app.Id}.appspot.com",
            ["iap"] = iap,
            ["gcrDomain"] = app.LocationId.StartsWith("europe", StringComparison.Ordinal) ? "eu.gcr.io" : "us.gcr.io",
            ["databaseType"] = "CLOUD_DATASTORE_COMPATIBILITY",
            ["featureSettings"] = new JsonObject { ["splitHealthChecks"] = true, ["useContainerOptimizedOs"] = true },
            ["serviceAccount"] = DefaultServiceAccount(app),
        };
    }

    private static string DefaultServiceAccount(AppEngineApplication app) => $"{app.Id}@appspot.gserviceaccount.com";

    internal static JsonObject ServiceJson(AppEngineApplication app, AppEngineService service) => new()
    {
        ["name"] = $"apps/{app.Id}/services/{service.Id}",
        ["id"] = service.Id,
        ["split"] = new JsonObject
        {
            ["shardBy"] = service.ShardBy,
            ["allocations"] = new JsonObject(service.Allocations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        },
    };

    /// <summary>Service and version ids: lowercase letters, digits and hyphens, at most 63, not starting with <c>ah-</c>.</summary>
    internal static bool IsValidId(string id) => IdPattern().IsMatch(id) && !id.StartsWith("ah-", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex IdPattern();
}
