using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;
using static OneClickMlflow.Emulator.Apis.StorageAccess;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Bucket IAM: GET/PUT <c>b/{b}/iam</c> (a stale etag is 412, as Cloud Storage answers) and testPermissions.</summary>
public static class StorageBucketIam
{
    internal static Task GetBucketPolicy(HttpContext context, EmulatorState state)
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
    internal static async Task SetBucketPolicy(HttpContext context, EmulatorState state)
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

    internal static Task TestBucketPermissions(HttpContext context, EmulatorState state)
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

    internal static JsonObject PolicyJson(EmulatorState state, StorageBucket bucket)
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
}
