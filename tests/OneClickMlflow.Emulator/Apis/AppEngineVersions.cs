using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// App Engine flexible versions: create (an operation of several minutes when latency is realistic; the service is
/// created with its first version, which takes all its traffic), get, list and delete.
/// </summary>
public static class AppEngineVersions
{
    public static async Task Create(HttpContext context, EmulatorState state)
    {
        var app = AppEngineApi.ExistingApp(context, state, "appengine.versions.create");
        var serviceId = context.Route("service");
        var body = await context.ReadBodyAsync(AppEngineSchemas.Version);
        var id = body["id"]?.GetValue<string>() ?? "";
        if (!AppEngineApi.IsValidId(id))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid version id \"{id}\": use 1-63 lowercase letters, digits and hyphens, not starting with \"ah-\".", "version.id");
        }
        if (!AppEngineApi.IsValidId(serviceId))
        {
            throw GoogleApiError.InvalidArgument($"Invalid service id \"{serviceId}\".", "service_id");
        }
        ValidateFlexible(state, app, body, context.Caller());
        lock (state.Gate)
        {
            if (!app.Services.ContainsKey("default") && serviceId != "default")
            {
                throw GoogleApiError.InvalidArgument(
                    "The first service (module) you upload to a new application must be the 'default' service (module). " +
                    "Please upload a version of the 'default' service (module) before uploading a version for the " +
                    $"'{serviceId}' service (module).");
            }
            if (app.Services.TryGetValue(serviceId, out var existing) && existing.Versions.ContainsKey(id))
            {
                throw GoogleApiError.AlreadyExists($"Version {id} of service {serviceId} already exists.");
            }
        }
        // createdBy is the email of the account that deployed it.
        var version = new AppEngineVersion
        {
            Id = id, ServiceId = serviceId, Body = body, Created = state.Clock.GetUtcNow(), CreatedBy = context.Caller()?.Id ?? "anonymous@example.com",
        };
        var operation = AppEngineApi.StartOperation(state, app.Id, "appengine.versions.create", "google.appengine.v1.Versions.CreateVersion",
            $"apps/{app.Id}/services/{serviceId}/versions/{id}", () =>
            {
                var failure = AppEngineVersionStart.Failure(state, app, body);
                if (!app.Services.TryGetValue(serviceId, out var service))
                {
                    service = new AppEngineService { Id = serviceId };
                    if (failure is null)
                    {
                        service.Allocations[id] = 1.0;
                    }
                    app.Services[serviceId] = service;
                }
                // A version that failed to come up stays listed, without traffic (gcloud then says to delete it).
                service.Versions[id] = version;
                if (failure is not null)
                {
                    throw failure;
                }
                return AppEngineApi.Typed("Version", VersionJson(state, app, version));
            });
        await AppEngineApi.WriteOperation(context, state, operation);
    }

    public static Task Get(HttpContext context, EmulatorState state)
    {
        var (app, service) = AppEngineApi.ExistingService(context, state, "appengine.versions.get");
        var id = context.Route("version");
        lock (state.Gate)
        {
            var full = RequestsFullView(context);
            var version = service.Versions.GetValueOrDefault(id)
                ?? throw GoogleApiError.NotFound($"Unable to retrieve version \"{id}\" of service \"{service.Id}\".");
            return context.WriteJsonAsync(VersionJson(state, app, version, full));
        }
    }

    public static Task List(HttpContext context, EmulatorState state)
    {
        var (app, service) = AppEngineApi.ExistingService(context, state, "appengine.versions.list");
        var full = RequestsFullView(context);
        lock (state.Gate)
        {
            var versions = service.Versions.Values.OrderBy(v => v.Id, StringComparer.Ordinal)
                .Select(v => (JsonNode?)VersionJson(state, app, v, full)).ToArray();
            var body = new JsonObject();
            if (versions.Length > 0)
            {
                body["versions"] = new JsonArray(versions);
            }
            return context.WriteJsonAsync(body);
        }
    }

    /// <summary>PATCH <c>?updateMask=servingStatus</c>: stops or starts a version's instances (SERVING or STOPPED).</summary>
    public static async Task Patch(HttpContext context, EmulatorState state)
    {
        var (app, service) = AppEngineApi.ExistingService(context, state, "appengine.versions.update");
        var id = context.Route("version");
        var body = await context.ReadBodyAsync(AppEngineSchemas.Version);
        var mask = AppEngineApi.Mask(context);
        if (!mask.SequenceEqual(new[] { "servingStatus" }) && !mask.SequenceEqual(new[] { "serving_status" }))
        {
            throw GoogleApiError.InvalidArgument(
                "This emulator updates only the serving status of a flexible version: use updateMask=servingStatus.", "update_mask");
        }
        var status = body["servingStatus"]?.GetValue<string>();
        if (status is not ("SERVING" or "STOPPED"))
        {
            throw GoogleApiError.InvalidArgument($"Invalid serving status \"{status}\": use SERVING or STOPPED.", "version.serving_status");
        }
        AppEngineVersion version;
        lock (state.Gate)
        {
            version = service.Versions.GetValueOrDefault(id)
                ?? throw GoogleApiError.NotFound($"Unable to retrieve version \"{id}\" of service \"{service.Id}\".");
        }
        var operation = AppEngineApi.StartOperation(state, app.Id, "appengine.versions.patch", "google.appengine.v1.Versions.UpdateVersion",
            $"apps/{app.Id}/services/{service.Id}/versions/{id}", () =>
            {
                version.ServingStatus = status;
                return AppEngineApi.Typed("Version", VersionJson(state, app, version));
            });
        await AppEngineApi.WriteOperation(context, state, operation);
    }

    /// <summary>Refuses deleting a version that receives traffic, as Google does.</summary>
    public static async Task Delete(HttpContext context, EmulatorState state)
    {
        var (app, service) = AppEngineApi.ExistingService(context, state, "appengine.versions.delete");
        var id = context.Route("version");
        lock (state.Gate)
        {
            if (!service.Versions.ContainsKey(id))
            {
                throw GoogleApiError.NotFound($"Unable to retrieve version \"{id}\" of service \"{service.Id}\".");
            }
            if (service.Allocations.GetValueOrDefault(id) > 0)
            {
                throw GoogleApiError.InvalidArgument(
                    $"Cannot delete version [{id}] of service [{service.Id}] because it is receiving traffic. Migrate " +
                    "its traffic to another version first.");
            }
        }
        var operation = AppEngineApi.StartOperation(state, app.Id, "appengine.versions.delete", "google.appengine.v1.Versions.DeleteVersion",
            $"apps/{app.Id}/services/{service.Id}/versions/{id}", () =>
            {
                service.Versions.Remove(id);
                return null;
            });
        await AppEngineApi.WriteOperation(context, state, operation);
    }

    /// <summary>The flexible environment needs a container image; its network (<see cref="AppEngineNetworks"/>) and service account must exist.</summary>
    private static void ValidateFlexible(EmulatorState state, AppEngineApplication app, JsonObject body, Auth.Principal? caller)
    {
        if (body["env"]?.GetValue<string>() != "flex")
        {
            throw GoogleApiError.InvalidArgument("This emulator deploys flexible versions only: set env to \"flex\".", "version.env");
        }
        if (body["deployment"]?["container"]?["image"]?.GetValue<string>() is not { Length: > 0 })
        {
            throw GoogleApiError.InvalidArgument(
                "Deployment must contain a container image for the flexible environment with a custom runtime.", "version.deployment.container.image");
        }
        if (body["automaticScaling"] is not null && body["manualScaling"] is not null)
        {
            throw GoogleApiError.InvalidArgument("A version can have only one of automaticScaling and manualScaling.", "version.scaling");
        }
        if (body["network"] is JsonObject network && (network["name"] is not null || network["subnetworkName"] is not null))
        {
            AppEngineNetworks.Validate(state, app, network);
        }
        if (body["serviceAccount"]?.GetValue<string>() is { } account)
        {
            var record = state.FindServiceAccount(account)
                ?? throw GoogleApiError.InvalidArgument($"Service account {account} does not exist.", "version.service_account");
            // A version runs as its account: whoever deploys it must be allowed to act as that account.
            if (!state.HasPermission(caller, record, "iam.serviceAccounts.actAs"))
            {
                throw GoogleApiError.PermissionDenied(
                    $"Permission 'iam.serviceAccounts.actAs' denied on service account {account} (or it may not exist).", "IAM_PERMISSION_DENIED");
            }
        }
    }

    /// <summary>
    /// <c>?view=</c> of get and list: BASIC (the default) leaves out the detailed deployment information, FULL has it,
    /// as Google answers; any other value is refused.
    /// </summary>
    private static bool RequestsFullView(HttpContext context)
    {
        var view = context.Request.Query["view"].ToString();
        return view switch
        {
            "" or "BASIC" => false,
            "FULL" => true,
            _ => throw GoogleApiError.InvalidArgument($"Invalid value at 'view' (type.googleapis.com/google.appengine.v1.VersionView), \"{view}\"", "view"),
        };
    }

    private static JsonObject VersionJson(EmulatorState state, AppEngineApplication app, AppEngineVersion version, bool full = true)
    {
        var json = (JsonObject)version.Body.DeepClone();
        if (!full)
        {
            json.Remove("deployment");
        }
        json.Remove("name");
        json.Insert(0, "name", $"apps/{app.Id}/services/{version.ServiceId}/versions/{version.Id}");
        json["id"] = version.Id;
        json["servingStatus"] = version.ServingStatus;
        json["createTime"] = AppEngineApi.Timestamp(version.Created);
        json["createdBy"] = version.CreatedBy;
        json["versionUrl"] = $"https://{version.Id}-dot-{version.ServiceId}-dot-{app.DefaultHostname}";
        return json;
    }
}
