using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Cloud Storage JSON API v1: buckets (insert, get, list, patch, delete), bucket IAM with etags, and enough of
/// objects (media upload, get, list, delete) to fill and empty a bucket. Bucket calls are synchronous.
/// </summary>
public sealed partial class StorageApi : IEmulatedApi
{
    private const string ServiceName = "storage.googleapis.com";
    private const long DefaultSoftDeleteSeconds = 604_800;

    private static readonly HashSet<string> StorageClasses = new(StringComparer.Ordinal)
    {
        "STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL", "DURABLE_REDUCED_AVAILABILITY",
    };

    public ApiDescriptor Descriptor { get; } = new(
        "storage", "storage", RequiresAuthentication: true, EndpointOverride: "storage", ServiceName: ServiceName,
        OverrideSuffix: "storage/v1/");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var v1 = routes.MapGroup("/storage/storage/v1");
        v1.MapPost("/b", context => InsertBucket(context, state));
        v1.MapGet("/b", context => ListBuckets(context, state));
        v1.MapGet("/b/{bucket}", context => GetBucket(context, state));
        v1.MapPatch("/b/{bucket}", context => PatchBucket(context, state));
        v1.MapDelete("/b/{bucket}", context => DeleteBucket(context, state));
        v1.MapGet("/b/{bucket}/iam", context => GetBucketPolicy(context, state));
        v1.MapPut("/b/{bucket}/iam", context => SetBucketPolicy(context, state));
        v1.MapGet("/b/{bucket}/iam/testPermissions", context => TestBucketPermissions(context, state));
        v1.MapGet("/b/{bucket}/o", context => ListObjects(context, state));
        v1.MapGet("/b/{bucket}/o/{**object}", context => GetObject(context, state));
        v1.MapDelete("/b/{bucket}/o/{**object}", context => DeleteObject(context, state));
        routes.MapPost("/storage/upload/storage/v1/b/{bucket}/o", context => UploadObject(context, state));
    }

    private static async Task InsertBucket(HttpContext context, EmulatorState state)
    {
        var project = RequestProject(context, state, "storage.buckets.create");
        var body = await context.ReadBodyAsync(StorageSchemas.Bucket);
        var name = body["name"]?.GetValue<string>() ?? throw Invalid("required", "Required", 400);
        if (!IsValidBucketName(name))
        {
            throw Invalid("invalid", $"Invalid bucket name: '{name}'", 400);
        }
        var (location, locationType) = ParseLocation(body["location"]?.GetValue<string>());
        var settings = WritableSettings(body);
        ValidateSettings(settings);
        var storage = state.ApiState<StorageState>();
        StorageBucket bucket;
        lock (state.Gate)
        {
            if (storage.Buckets.TryGetValue(name, out var existing))
            {
                throw existing.ProjectId == project.ProjectId
                    ? Invalid("conflict", "Your previous request to create the named bucket succeeded and you already own it.", 409)
                    : Invalid("conflict", "The requested bucket name is not available. The bucket namespace is shared by all " +
                        "users of the system. Please select a different name and try again.", 409);
            }
            var now = state.Clock.GetUtcNow();
            bucket = new StorageBucket
            {
                Name = name,
                ProjectId = project.ProjectId,
                ProjectNumber = project.ProjectNumber,
                Created = now,
                Updated = now,
                Location = location,
                LocationType = locationType,
                Settings = settings,
            };
            var projectMember = project.ProjectId;
            bucket.Policy.AddBinding("roles/storage.legacyBucketOwner", "projectEditor:" + projectMember);
            bucket.Policy.AddBinding("roles/storage.legacyBucketOwner", "projectOwner:" + projectMember);
            bucket.Policy.AddBinding("roles/storage.legacyBucketReader", "projectViewer:" + projectMember);
            storage.Buckets[name] = bucket;
        }
        await context.WriteJsonAsync(Render(state, bucket));
    }

    private static Task GetBucket(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.get");
        RequireMetageneration(context, state, bucket);
        return context.WriteJsonAsync(Render(state, bucket));
    }

    private static async Task ListBuckets(HttpContext context, EmulatorState state)
    {
        var project = RequestProject(context, state, "storage.buckets.list");
        var prefix = context.Query("prefix") ?? "";
        List<JsonNode?> items;
        lock (state.Gate)
        {
            items = state.ApiState<StorageState>().Buckets.Values
                .Where(b => b.ProjectId == project.ProjectId && b.Name.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(b => b.Name, StringComparer.Ordinal)
                .Select(b => (JsonNode?)Render(state, b))
                .ToList();
        }
        var body = new JsonObject { ["kind"] = "storage#buckets" };
        if (items.Count > 0)
        {
            body["items"] = new JsonArray(items.ToArray());
        }
        await context.WriteJsonAsync(body);
    }

    /// <summary>PATCH merges the body into the bucket's settings; a null label removes that label.</summary>
    private static async Task PatchBucket(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.update");
        var body = await context.ReadBodyAsync(StorageSchemas.Bucket);
        if (body["name"] is JsonNode renamed && renamed.GetValue<string>() != bucket.Name)
        {
            throw Invalid("invalid", "The bucket name cannot be changed.", 400);
        }
        if (body["location"] is JsonNode moved && !string.Equals(moved.GetValue<string>(), bucket.Location, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("invalid", "The location of a bucket cannot be changed.", 400);
        }
        lock (state.Gate)
        {
            RequireMetageneration(context, state, bucket);
            var merged = (JsonObject)bucket.Settings.DeepClone();
            Merge(merged, WritableSettings(body));
            ValidateSettings(merged);
            bucket.Settings = merged;
            bucket.Metageneration++;
            bucket.Updated = state.Clock.GetUtcNow();
        }
        await context.WriteJsonAsync(Render(state, bucket));
    }

    private static Task DeleteBucket(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.delete");
        lock (state.Gate)
        {
            RequireMetageneration(context, state, bucket);
            if (bucket.Objects.Count > 0)
            {
                throw Invalid("conflict", "The bucket you tried to delete is not empty.", 409);
            }
            state.ApiState<StorageState>().Buckets.Remove(bucket.Name);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task GetBucketPolicy(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.getIamPolicy");
        var requested = context.Query("optionsRequestedPolicyVersion");
        if (requested is not null and not ("1" or "3"))
        {
            throw Invalid("invalid", $"Invalid requested policy version: {requested}", 400);
        }
        return context.WriteJsonAsync(PolicyJson(state, bucket));
    }

    /// <summary>PUT replaces the bindings; an etag that is not the current one is 412, as Cloud Storage answers.</summary>
    private static async Task SetBucketPolicy(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.setIamPolicy");
        var body = await context.ReadBodyAsync(StorageSchemas.Policy);
        lock (state.Gate)
        {
            if (body["etag"]?.GetValue<string>() is { Length: > 0 } etag && etag != bucket.Policy.Etag)
            {
                throw Invalid("conditionNotMet", "At least one of the pre-conditions you specified did not hold.", 412);
            }
            var policy = new JsonObject
            {
                ["version"] = body["version"]?.DeepClone(),
                ["bindings"] = body["bindings"]?.DeepClone(),
            };
            try
            {
                bucket.Policy.Replace(policy, "bindings");
            }
            catch (GoogleApiError error) when (error.Code == 400)
            {
                throw Invalid("invalid", error.Message, 400);
            }
        }
        await context.WriteJsonAsync(PolicyJson(state, bucket));
    }

    private static Task TestBucketPermissions(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, permission: null);
        var asked = context.Request.Query["permissions"].Where(p => p is not null).Select(p => p!).ToList();
        if (asked.Count == 0)
        {
            throw Invalid("required", "Required parameter: permissions", 400);
        }
        var held = asked.Where(p => Holds(context, state, bucket, p)).Distinct().ToList();
        var json = new JsonObject { ["kind"] = "storage#testIamPermissionsResponse" };
        if (held.Count > 0)
        {
            json["permissions"] = new JsonArray(held.Select(p => (JsonNode?)p).ToArray());
        }
        return context.WriteJsonAsync(json);
    }

    private static async Task UploadObject(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.create");
        if (context.Query("uploadType") != "media")
        {
            throw Invalid("invalid", "Only uploadType=media is modelled by this emulator.", 400);
        }
        var name = context.Query("name");
        if (string.IsNullOrEmpty(name))
        {
            throw Invalid("required", "Required parameter: name", 400);
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        StorageObject stored;
        lock (state.Gate)
        {
            stored = new StorageObject
            {
                Name = name,
                Generation = state.ApiState<StorageState>().NewGeneration(),
                Content = buffer.ToArray(),
                ContentType = context.Request.ContentType ?? "application/octet-stream",
                Created = state.Clock.GetUtcNow(),
            };
            bucket.Objects[name] = stored;
        }
        await context.WriteJsonAsync(ObjectJson(state, bucket, stored));
    }

    private static async Task GetObject(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.get");
        var stored = FindObject(context, state, bucket);
        if (context.Query("alt") == "media")
        {
            context.Response.ContentType = stored.ContentType;
            await context.Response.Body.WriteAsync(stored.Content, context.RequestAborted);
            return;
        }
        await context.WriteJsonAsync(ObjectJson(state, bucket, stored));
    }

    private static Task DeleteObject(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.delete");
        var stored = FindObject(context, state, bucket);
        lock (state.Gate)
        {
            bucket.Objects.Remove(stored.Name);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task ListObjects(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.list");
        var prefix = context.Query("prefix") ?? "";
        var json = new JsonObject { ["kind"] = "storage#objects" };
        lock (state.Gate)
        {
            var items = bucket.Objects.Values.Where(o => o.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(o => (JsonNode?)ObjectJson(state, bucket, o)).ToArray();
            if (items.Length > 0)
            {
                json["items"] = new JsonArray(items);
            }
        }
        return context.WriteJsonAsync(json);
    }

    private static StorageObject FindObject(HttpContext context, EmulatorState state, StorageBucket bucket)
    {
        var name = Uri.UnescapeDataString(context.Route("object"));
        lock (state.Gate)
        {
            return bucket.Objects.GetValueOrDefault(name)
                ?? throw Invalid("notFound", $"No such object: {bucket.Name}/{name}", 404);
        }
    }

    /// <summary>The <c>project</c> query parameter (id or number), with Cloud Storage enabled and the permission held.</summary>
    private static ProjectState RequestProject(HttpContext context, EmulatorState state, string permission)
    {
        var id = context.Query("project");
        if (string.IsNullOrEmpty(id))
        {
            throw Invalid("required", "Required parameter: project", 400);
        }
        var project = state.FindProject(id) ?? throw Invalid("invalid", $"Unknown project id: {id}", 400);
        if (!state.HasPermission(context.Caller(), project, permission))
        {
            throw Invalid("forbidden",
                $"{CallerName(context)} does not have {permission} access to the Google Cloud project. Permission " +
                $"'{permission}' denied on resource (or it may not exist).", 403);
        }
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, ServiceName, "Cloud Storage API");
        }
        return project;
    }

    /// <summary>The bucket of the route, when it exists and the caller holds the permission on it or its project.</summary>
    private static StorageBucket Bucket(HttpContext context, EmulatorState state, string? permission)
    {
        var name = context.Route("bucket");
        StorageBucket? bucket;
        lock (state.Gate)
        {
            bucket = state.ApiState<StorageState>().Buckets.GetValueOrDefault(name);
        }
        if (bucket is null)
        {
            throw Invalid("notFound", "The specified bucket does not exist.", 404);
        }
        if (permission is not null && !Holds(context, state, bucket, permission))
        {
            throw Invalid("forbidden",
                $"{CallerName(context)} does not have {permission} access to the Google Cloud Storage bucket. " +
                $"Permission '{permission}' denied on resource (or it may not exist).", 403);
        }
        return bucket;
    }

    private static bool Holds(HttpContext context, EmulatorState state, StorageBucket bucket, string permission)
    {
        var caller = context.Caller();
        if (caller is null)
        {
            return state.AllowUnauthenticated;
        }
        lock (state.Gate)
        {
            if (bucket.Policy.Grants(caller.Member, permission))
            {
                return true;
            }
        }
        var project = state.FindProject(bucket.ProjectId);
        return project is not null && state.HasPermission(caller, project, permission);
    }

    private static void RequireMetageneration(HttpContext context, EmulatorState state, StorageBucket bucket)
    {
        var expected = context.Query("ifMetagenerationMatch");
        lock (state.Gate)
        {
            if (expected is not null && expected != bucket.Metageneration.ToString(CultureInfo.InvariantCulture))
            {
                throw Invalid("conditionNotMet", "At least one of the pre-conditions you specified did not hold.", 412);
            }
        }
    }

    private static string CallerName(HttpContext context) => context.Caller()?.Id ?? "Anonymous caller";

    private static GoogleApiError Invalid(string reason, string message, int code) =>
        LegacyError.Create(code, code switch
        {
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            409 => "ALREADY_EXISTS",
            412 => "FAILED_PRECONDITION",
            _ => "INVALID_ARGUMENT",
        }, reason, message);

    /// <summary>
    /// Google's bucket name rules: 3-63 characters (up to 222 with dots, each part at most 63), lowercase letters,
    /// digits, '-', '_' and '.', a letter or digit at both ends, not an IP address, no "goog" prefix, no "google".
    /// </summary>
    public static bool IsValidBucketName(string name)
    {
        var maxLength = name.Contains('.') ? 222 : 63;
        return name.Length >= 3 && name.Length <= maxLength
            && BucketNamePattern().IsMatch(name)
            && name.Split('.').All(part => part.Length is > 0 and <= 63)
            && !IPAddress.TryParse(name, out _)
            && !name.StartsWith("goog", StringComparison.Ordinal)
            && !name.Contains("google", StringComparison.Ordinal);
    }

    private static (string Location, string Type) ParseLocation(string? requested)
    {
        var location = (requested ?? "US").ToUpperInvariant();
        if (StorageLocations.MultiRegions.Contains(location))
        {
            return (location, "multi-region");
        }
        if (StorageLocations.DualRegions.Contains(location))
        {
            return (location, "dual-region");
        }
        if (StorageLocations.Regions.Contains(location.ToLowerInvariant()))
        {
            return (location, "region");
        }
        throw Invalid("invalid", "The specified location constraint is not valid.", 400);
    }

    /// <summary>The fields a client may set (output-only fields the client echoed back are dropped).</summary>
    private static JsonObject WritableSettings(JsonObject body)
    {
        var settings = (JsonObject)body.DeepClone();
        foreach (var outputOnly in new[]
        {
            "kind", "id", "selfLink", "name", "projectNumber", "etag", "metageneration", "generation", "timeCreated",
            "updated", "location", "locationType", "satisfiesPZS", "satisfiesPZI", "owner",
        })
        {
            settings.Remove(outputOnly);
        }
        return settings;
    }

    private static void ValidateSettings(JsonObject settings)
    {
        if (settings["storageClass"]?.GetValue<string>() is { } storageClass && !StorageClasses.Contains(storageClass.ToUpperInvariant()))
        {
            throw Invalid("invalid", $"Invalid storage class: {storageClass}", 400);
        }
        if (settings["iamConfiguration"]?["publicAccessPrevention"]?.GetValue<string>() is { } prevention
            && prevention is not ("enforced" or "inherited" or "unspecified"))
        {
            throw Invalid("invalid", $"Invalid argument: publicAccessPrevention must be 'enforced' or 'inherited', not '{prevention}'.", 400);
        }
        if (settings["softDeletePolicy"]?["retentionDurationSeconds"] is JsonNode seconds)
        {
            var value = long.Parse(seconds.ToString(), CultureInfo.InvariantCulture);
            if (value != 0 && (value < 604_800 || value > 7_776_000))
            {
                throw Invalid("invalid",
                    "The soft delete retention duration must be 0 (off) or between 7 and 90 days (604800-7776000 seconds).", 400);
            }
        }
        foreach (var (key, _) in settings["labels"] as JsonObject ?? new JsonObject())
        {
            if (!LabelKeyPattern().IsMatch(key))
            {
                throw Invalid("invalid", $"Invalid argument: label key '{key}' is not valid.", 400);
            }
        }
    }

    /// <summary>JSON merge: objects merge field by field, null removes, anything else replaces.</summary>
    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject nested && target[key] is JsonObject existing)
            {
                Merge(existing, nested);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private static JsonObject Render(EmulatorState state, StorageBucket bucket)
    {
        lock (state.Gate)
        {
            var created = Timestamp(bucket.Created);
            var settings = bucket.Settings;
            var uniform = settings["iamConfiguration"]?["uniformBucketLevelAccess"]?["enabled"]?.GetValue<bool>()
                ?? settings["iamConfiguration"]?["bucketPolicyOnly"]?["enabled"]?.GetValue<bool>()
                ?? false;
            var toggle = new JsonObject { ["enabled"] = uniform };
            if (uniform)
            {
                toggle["lockedTime"] = Timestamp(bucket.Created.AddDays(90));
            }
            var prevention = settings["iamConfiguration"]?["publicAccessPrevention"]?.GetValue<string>() is "enforced" ? "enforced" : "inherited";
            var json = new JsonObject
            {
                ["kind"] = "storage#bucket",
                ["selfLink"] = $"{Base(state)}storage/v1/b/{bucket.Name}",
                ["id"] = bucket.Name,
                ["name"] = bucket.Name,
                ["projectNumber"] = bucket.ProjectNumber.ToString(CultureInfo.InvariantCulture),
                ["generation"] = (bucket.Created.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture),
                ["metageneration"] = bucket.Metageneration.ToString(CultureInfo.InvariantCulture),
                ["location"] = bucket.Location,
                ["storageClass"] = (settings["storageClass"]?.GetValue<string>() ?? "STANDARD").ToUpperInvariant(),
                ["etag"] = bucket.Etag,
                ["timeCreated"] = created,
                ["updated"] = Timestamp(bucket.Updated),
                ["softDeletePolicy"] = new JsonObject
                {
                    ["retentionDurationSeconds"] = (settings["softDeletePolicy"]?["retentionDurationSeconds"]?.ToString()
                        ?? DefaultSoftDeleteSeconds.ToString(CultureInfo.InvariantCulture)),
                    ["effectiveTime"] = created,
                },
                ["iamConfiguration"] = new JsonObject
                {
                    ["bucketPolicyOnly"] = toggle.DeepClone(),
                    ["uniformBucketLevelAccess"] = toggle,
                    ["publicAccessPrevention"] = prevention,
                },
                ["locationType"] = bucket.LocationType,
                ["rpo"] = bucket.LocationType == "region" ? null : "DEFAULT",
            };
            if (json["rpo"] is null)
            {
                json.Remove("rpo");
            }
            foreach (var (key, value) in settings)
            {
                if (key is not ("storageClass" or "softDeletePolicy" or "iamConfiguration") && !json.ContainsKey(key))
                {
                    json[key] = value?.DeepClone();
                }
            }
            return json;
        }
    }

    private static JsonObject PolicyJson(EmulatorState state, StorageBucket bucket)
    {
        lock (state.Gate)
        {
            var policy = bucket.Policy.ToJson();
            var json = new JsonObject
            {
                ["kind"] = "storage#policy",
                ["resourceId"] = $"projects/_/buckets/{bucket.Name}",
                ["version"] = policy["version"]!.DeepClone(),
                ["bindings"] = policy["bindings"]?.DeepClone() ?? new JsonArray(),
                ["etag"] = policy["etag"]!.DeepClone(),
            };
            return json;
        }
    }

    private static JsonObject ObjectJson(EmulatorState state, StorageBucket bucket, StorageObject stored)
    {
        var escaped = Uri.EscapeDataString(stored.Name);
        var generation = stored.Generation.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{bucket.Name}/{stored.Name}/{generation}",
            ["selfLink"] = $"{Base(state)}storage/v1/b/{bucket.Name}/o/{escaped}",
            ["mediaLink"] = $"{Base(state)}download/storage/v1/b/{bucket.Name}/o/{escaped}?generation={generation}&alt=media",
            ["name"] = stored.Name,
            ["bucket"] = bucket.Name,
            ["generation"] = generation,
            ["metageneration"] = "1",
            ["contentType"] = stored.ContentType,
            ["storageClass"] = "STANDARD",
            ["size"] = stored.Content.Length.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = Convert.ToBase64String(MD5.HashData(stored.Content)),
            ["etag"] = StorageState.VarintEtag(stored.Generation),
            ["timeCreated"] = Timestamp(stored.Created),
            ["updated"] = Timestamp(stored.Created),
        };
    }

    private static string Base(EmulatorState state) =>
        new Uri(state.BaseUri ?? new Uri("http://127.0.0.1/"), "storage/").ToString();

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelKeyPattern();
}

/// <summary>The Cloud Storage locations the emulator accepts.</summary>
public static class StorageLocations
{
    public static readonly IReadOnlySet<string> MultiRegions = new HashSet<string> { "US", "EU", "ASIA" };

    public static readonly IReadOnlySet<string> DualRegions = new HashSet<string> { "NAM4", "EUR4", "EUR5", "EUR7", "EUR8", "ASIA1" };

    /// <summary>Google Cloud regions (lowercase, as Compute and App Engine name them).</summary>
    public static readonly IReadOnlySet<string> Regions = new HashSet<string>
    {
        "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
        "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
        "australia-southeast2", "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1",
        "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-west8", "europe-west9", "europe-west10",
        "europe-west12", "me-central1", "me-central2", "me-west1", "northamerica-northeast1", "northamerica-northeast2",
        "northamerica-south1", "southamerica-east1", "southamerica-west1", "us-central1", "us-east1", "us-east4",
        "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
    };
}
