using System;
using System.Globalization;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>How Cloud Storage shows a bucket (storage#bucket) and its links and times.</summary>
public static class StorageViews
{
    private const long DefaultSoftDeleteSeconds = 604_800;

    internal static JsonObject BucketJson(EmulatorState state, StorageBucket bucket)
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

    internal static string Base(EmulatorState state) =>
        new Uri(state.BaseUri ?? new Uri("http://127.0.0.1/"), "storage/").ToString();

    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
