using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static OneClickMlflow.Emulator.Apis.StorageAccess;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud Storage's rules for bucket names, locations and settings, and how PATCH merges settings.</summary>
public static partial class StorageRules
{
    internal static readonly HashSet<string> StorageClasses = new(StringComparer.Ordinal)
    {
        "STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL", "DURABLE_REDUCED_AVAILABILITY",
    };

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

    internal static (string Location, string Type) ParseLocation(string? requested)
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
    internal static JsonObject WritableSettings(JsonObject body)
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

    internal static void ValidateSettings(JsonObject settings)
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
    internal static void Merge(JsonObject target, JsonObject patch)
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

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*[a-z0-9]$")]
    internal static partial Regex BucketNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    internal static partial Regex LabelKeyPattern();
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
