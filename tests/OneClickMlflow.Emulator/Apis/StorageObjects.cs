using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;
using static OneClickMlflow.Emulator.Apis.StorageAccess;
using static OneClickMlflow.Emulator.Apis.StorageViews;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Objects, enough to fill and empty a bucket: media upload, get (metadata or content), list, delete.</summary>
public static class StorageObjects
{
    internal static async Task UploadObject(HttpContext context, EmulatorState state)
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
        bool exists;
        lock (state.Gate)
        {
            exists = bucket.Objects.ContainsKey(name);
        }
        // Replacing an object deletes the old one: Cloud Storage asks for storage.objects.delete as well
        // (https://cloud.google.com/storage/docs/access-control/iam-permissions, objects.insert).
        if (exists && !Holds(context, state, bucket, "storage.objects.delete"))
        {
            throw Invalid("forbidden",
                $"{CallerName(context)} does not have storage.objects.delete access to the Google Cloud Storage object. " +
                "Permission 'storage.objects.delete' denied on resource (or it may not exist).", 403);
        }
        StorageObject stored;
        lock (state.Gate)
        {
            RequireGeneration(context, bucket.Objects.GetValueOrDefault(name));
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

    internal static async Task GetObject(HttpContext context, EmulatorState state)
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

    internal static Task DeleteObject(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.delete");
        var stored = FindObject(context, state, bucket);
        lock (state.Gate)
        {
            RequireGeneration(context, bucket.Objects.GetValueOrDefault(stored.Name));
            bucket.Objects.Remove(stored.Name);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    internal static Task ListObjects(HttpContext context, EmulatorState state)
    {
        var bucket = Bucket(context, state, "storage.objects.list");
        var prefix = context.Query("prefix") ?? "";
        var delimiter = context.Query("delimiter");
        var json = new JsonObject { ["kind"] = "storage#objects" };
        lock (state.Gate)
        {
            var matching = bucket.Objects.Values.Where(o => o.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            // With a delimiter, names that go deeper than the prefix collapse into "prefixes", like directories.
            string? Folder(StorageObject o)
            {
                var at = string.IsNullOrEmpty(delimiter) ? -1 : o.Name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                return at < 0 ? null : o.Name[..(at + delimiter!.Length)];
            }
            var prefixes = matching.Select(Folder).OfType<string>().Distinct().ToArray();
            var items = matching.Where(o => Folder(o) is null).Select(o => (JsonNode?)ObjectJson(state, bucket, o)).ToArray();
            if (prefixes.Length > 0)
            {
                json["prefixes"] = new JsonArray(prefixes.Select(p => (JsonNode?)p).ToArray());
            }
            if (items.Length > 0)
            {
                json["items"] = new JsonArray(items);
            }
        }
        return context.WriteJsonAsync(json);
    }

    internal static StorageObject FindObject(HttpContext context, EmulatorState state, StorageBucket bucket)
    {
        var name = Uri.UnescapeDataString(context.Route("object"));
        lock (state.Gate)
        {
            var stored = bucket.Objects.GetValueOrDefault(name);
            // The emulator keeps the live generation only: any other generation asked for does not exist.
            var generation = context.Query("generation");
            if (stored is null || (generation is not null && generation != stored.Generation.ToString(CultureInfo.InvariantCulture)))
            {
                throw Invalid("notFound", $"No such object: {bucket.Name}/{name}", 404);
            }
            RequireGeneration(context, stored);
            return stored;
        }
    }

    internal static JsonObject ObjectJson(EmulatorState state, StorageBucket bucket, StorageObject stored)
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
}
