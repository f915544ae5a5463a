using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Service Usage v1: get, list, enable, batchEnable, disable, operations.</summary>
public sealed class ServiceUsageApi : IEmulatedApi
{
    private const int MaxBatch = 20;
    private const string TypePrefix = "type.googleapis.com/google.api.serviceusage.v1.";

    private static readonly MessageSchema EnableRequest = new("google.api.serviceusage.v1.EnableServiceRequest");

    private static readonly MessageSchema BatchEnableRequest = new MessageSchema("google.api.serviceusage.v1.BatchEnableServicesRequest")
        .Strings("serviceIds", required: true);

    private static readonly MessageSchema DisableRequest = new MessageSchema("google.api.serviceusage.v1.DisableServiceRequest")
        .Bool("disableDependentServices")
        .Enum("checkIfServiceHasUsage", "google.api.serviceusage.v1.DisableServiceRequest.CheckIfServiceHasUsage",
            new[] { "CHECK_IF_SERVICE_HAS_USAGE_UNSPECIFIED", "SKIP", "CHECK" });

    public ApiDescriptor Descriptor { get; } = new(
        "serviceusage", "serviceusage", RequiresAuthentication: true, EndpointOverride: "serviceusage",
        ServiceName: "serviceusage.googleapis.com");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var v1 = routes.MapGroup("/serviceusage/v1");
        v1.MapGet("/projects/{project}/services/{service}", context => GetService(context, state));
        v1.MapGet("/projects/{project}/services", context => ListServices(context, state));
        v1.MapPost("/projects/{project}/services/{service}:enable", context => ChangeOne(context, state, enable: true));
        v1.MapPost("/projects/{project}/services/{service}:disable", context => ChangeOne(context, state, enable: false));
        v1.MapPost("/projects/{project}/services:batchEnable", context => BatchEnable(context, state));
        v1.MapGet("/operations/{id}", context => GetOperation(context, state));
    }

    private static Task GetService(HttpContext context, EmulatorState state)
    {
        var service = context.Route("service");
        var project = FindProject(context, state, "serviceusage.services.get", $"Permission denied to get service [{service}]");
        if (!ServiceCatalog.IsKnown(service) && !project.EnabledServices.Contains(service))
        {
            throw UnknownServices(new[] { service });
        }
        lock (state.Gate)
        {
            return context.WriteJsonAsync(ServiceJson(project, service, includeFullConfig: true));
        }
    }

    private static Task ListServices(HttpContext context, EmulatorState state)
    {
        var project = FindProject(context, state, "serviceusage.services.list", "Permission denied to list services.");
        var filter = context.Query("filter");
        Func<ProjectState, string, bool> include = filter switch
        {
            null or "" => (_, _) => true,
            "state:ENABLED" => (p, s) => p.EnabledServices.Contains(s),
            "state:DISABLED" => (p, s) => !p.EnabledServices.Contains(s),
            _ => throw GoogleApiError.InvalidArgument($"Invalid filter: {filter}", "filter"),
        };
        var pageSize = ParsePageSize(context.Query("pageSize"));
        var offset = ParsePageToken(context.Query("pageToken"));
        lock (state.Gate)
        {
            var all = ServiceCatalog.Titles.Keys.Union(project.EnabledServices)
                .OrderBy(s => s, StringComparer.Ordinal)
                .Where(s => include(project, s))
                .ToList();
            var page = all.Skip(offset).Take(pageSize).ToList();
            var body = new JsonObject();
            if (page.Count > 0)
            {
                body["services"] = new JsonArray(page.Select(s => (JsonNode?)ServiceJson(project, s, includeFullConfig: false)).ToArray());
            }
            if (offset + pageSize < all.Count)
            {
                body["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (offset + pageSize)));
            }
            return context.WriteJsonAsync(body);
        }
    }

    /// <summary>services/{svc}:enable and :disable: one service, one operation.</summary>
    private static async Task ChangeOne(HttpContext context, EmulatorState state, bool enable)
    {
        var service = context.Route("service");
        var verb = enable ? "enable" : "disable";
        var project = FindProject(context, state, $"serviceusage.services.{verb}", $"Permission denied to {verb} service [{service}]");
        await context.ReadBodyAsync(enable ? EnableRequest : DisableRequest);
        if (!ServiceCatalog.IsKnown(service))
        {
            throw UnknownServices(new[] { service });
        }
        var responseType = enable ? "EnableServiceResponse" : "DisableServiceResponse";
        var operation = StartChange(state, project, new[] { service }, enable, $"serviceusage.services.{verb}",
            () => new JsonObject
            {
                ["@type"] = TypePrefix + responseType,
                ["service"] = ServiceJson(project, service, includeFullConfig: false),
            });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static async Task BatchEnable(HttpContext context, EmulatorState state)
    {
        var project = FindProject(context, state, "serviceusage.services.enable", "Permission denied to enable services.");
        var body = await context.ReadBodyAsync(BatchEnableRequest);
        var ids = (body["serviceIds"] as JsonArray ?? body["service_ids"] as JsonArray ?? new JsonArray())
            .Select(n => n!.GetValue<string>()).ToList();
        if (ids.Count == 0)
        {
            throw GoogleApiError.InvalidArgument("Request must specify at least one service id.", "service_ids");
        }
        if (ids.Count > MaxBatch)
        {
            throw GoogleApiError.InvalidArgument(
                $"The number of services to enable in one request must be at most {MaxBatch}; the request had {ids.Count}.",
                "service_ids");
        }
        var unknown = ids.Where(id => !ServiceCatalog.IsKnown(id)).ToList();
        if (unknown.Count > 0)
        {
            throw UnknownServices(unknown);
        }
        var operation = StartChange(state, project, ids, true, "serviceusage.services.batchEnable",
            () => new JsonObject
            {
                ["@type"] = TypePrefix + "BatchEnableServicesResponse",
                ["services"] = new JsonArray(ids.Distinct().Select(s => (JsonNode?)ServiceJson(project, s, includeFullConfig: false)).ToArray()),
            });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static Task GetOperation(HttpContext context, EmulatorState state)
    {
        var name = "operations/" + context.Route("id");
        var operation = state.Operations.Find(name)
            ?? throw GoogleApiError.NotFound($"Operation '{name}' not found.");
        return context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    /// <summary>
    /// Starts an enable/disable operation; the services change state when it completes. When nothing would
    /// change, Google answers at once with its no-op operation.
    /// </summary>
    private static EmulatedOperation StartChange(
        EmulatorState state, ProjectState project, IReadOnlyList<string> services, bool enable, string kind, Func<JsonNode> response)
    {
        bool unchanged;
        lock (state.Gate)
        {
            unchanged = services.All(s => project.EnabledServices.Contains(s) == enable);
        }
        var metadata = new JsonObject
        {
            ["@type"] = TypePrefix + "OperationMetadata",
            ["resourceNames"] = new JsonArray(services.Select(s => (JsonNode?)$"services/{s}/projectSettings/{project.ProjectNumber}").ToArray()),
        };
        Func<JsonNode?> complete = () =>
        {
            foreach (var service in services)
            {
                if (enable)
                {
                    project.EnabledServices.Add(service);
                }
                else
                {
                    project.EnabledServices.Remove(service);
                }
            }
            return response();
        };
        if (unchanged)
        {
            return state.Operations.Start("operations/noop.DONE_OPERATION", kind, complete, metadata, TimeSpan.Zero);
        }
        var name = $"operations/acf.p2-{project.ProjectNumber}-{Guid.NewGuid()}";
        return state.Operations.Start(name, kind, complete, metadata);
    }

    private static ProjectState FindProject(HttpContext context, EmulatorState state, string permission, string deniedMessage)
    {
        var project = state.FindProject(context.Route("project"));
        if (project is null || !state.HasPermission(context.Caller(), project, permission))
        {
            throw GoogleApiError.PermissionDenied(deniedMessage, "AUTH_PERMISSION_DENIED");
        }
        return project;
    }

    private static JsonObject ServiceJson(ProjectState project, string service, bool includeFullConfig)
    {
        var config = new JsonObject
        {
            ["name"] = service,
            ["title"] = ServiceCatalog.TitleOf(service),
        };
        if (includeFullConfig)
        {
            config["documentation"] = new JsonObject();
            config["quota"] = new JsonObject();
            config["authentication"] = new JsonObject();
            config["usage"] = new JsonObject { ["requirements"] = new JsonArray("serviceusage.googleapis.com/tos/cloud") };
        }
        return new JsonObject
        {
            ["name"] = $"projects/{project.ProjectNumber}/services/{service}",
            ["config"] = config,
            ["state"] = project.EnabledServices.Contains(service) ? "ENABLED" : "DISABLED",
            ["parent"] = $"projects/{project.ProjectNumber}",
        };
    }

    private static GoogleApiError UnknownServices(IEnumerable<string> services) =>
        GoogleApiError.PermissionDenied(
            $"Not found or permission denied for service(s): {string.Join(", ", services)}.",
            "SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED");

    private static int ParsePageSize(string? value)
    {
        if (value is null)
        {
            return 50;
        }
        if (!int.TryParse(value, out var size) || size < 0)
        {
            throw GoogleApiError.InvalidArgument($"Invalid value at 'page_size' (TYPE_INT32), \"{value}\"", "page_size");
        }
        return size == 0 ? 50 : Math.Min(size, 200);
    }

    private static int ParsePageToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text[7..], out var offset) && offset >= 0)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }
        throw GoogleApiError.InvalidArgument("Invalid page token.", "page_token");
    }
}
