using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;
using static OneClickMlflow.Emulator.Apis.StorageAccess;
using static OneClickMlflow.Emulator.Apis.StorageRules;
using static OneClickMlflow.Emulator.Apis.StorageViews;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Cloud Storage JSON API v1: buckets (insert, get, list, patch, delete), bucket IAM with etags, and enough of
/// objects (media upload, get, list, delete) to fill and empty a bucket. Bucket calls are synchronous.
/// </summary>
public sealed class StorageApi : IEmulatedApi
{
    public const string ServiceName = "storage.googleapis.com";

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
        v1.MapGet("/b/{bucket}/iam", context => StorageBucketIam.GetBucketPolicy(context, state));
        v1.MapPut("/b/{bucket}/iam", context => StorageBucketIam.SetBucketPolicy(context, state));
        v1.MapGet("/b/{bucket}/iam/testPermissions", context => StorageBucketIam.TestBucketPermissions(context, state));
        v1.MapGet("/b/{bucket}/o", context => StorageObjects.ListObjects(context, state));
        v1.MapGet("/b/{bucket}/o/{**object}", context => StorageObjects.GetObject(context, state));
        v1.MapDelete("/b/{bucket}/o/{**object}", context => StorageObjects.DeleteObject(context, state));
        routes.MapPost("/storage/upload/storage/v1/b/{bucket}/o", context => StorageObjects.UploadObject(context, state));
        StorageXmlApi.Map(routes, state);
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
        await context.WriteJsonAsync(BucketJson(state, bucket));
    }

    private static Task GetBucket(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.buckets.get");
        RequireMetageneration(context, state, bucket);
        return context.WriteJsonAsync(BucketJson(state, bucket));
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
                .Select(b => (JsonNode?)BucketJson(state, b))
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
        await context.WriteJsonAsync(BucketJson(state, bucket));
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


}
