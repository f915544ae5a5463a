using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud SQL's rules for an instance's version and settings, and the defaults Google fills in.</summary>
public static partial class CloudSqlSettings
{
    private static readonly HashSet<string> RetiredVersions = new(StringComparer.Ordinal) { "MYSQL_5_1", "MYSQL_5_5", "MYSQL_5_6" };
    private static readonly HashSet<string> SharedCoreTiers = new(StringComparer.Ordinal) { "db-f1-micro", "db-g1-small" };

    /// <summary>Refuses versions Google no longer creates and engines the emulator does not model.</summary>
    public static void CheckVersion(string version)
    {
        if (version == "SQL_DATABASE_VERSION_UNSPECIFIED" || RetiredVersions.Contains(version))
        {
            throw CloudSqlErrors.Invalid($"Invalid database version: {version}.");
        }
        if (!version.StartsWith("MYSQL_", StringComparison.Ordinal))
        {
            throw CloudSqlErrors.Invalid($"Database version {version} is not served by this emulator: MySQL only.");
        }
    }

    /// <summary>MYSQL_8_0_41 -> 8.0, for upgrade and downgrade checks.</summary>
    public static Version Major(string version)
    {
        var parts = version.Split('_');
        return new Version(int.Parse(parts[1]), int.Parse(parts[2]));
    }

    /// <summary>The settings with Google's defaults for what the request left out.</summary>
    public static JsonObject WithDefaults(JsonObject settings, string databaseVersion, string zone)
    {
        var result = (JsonObject)settings.DeepClone();
        result["kind"] = "sql#settings";
        result["edition"] ??= Major(databaseVersion) >= new Version(8, 4) ? "ENTERPRISE_PLUS" : "ENTERPRISE";
        result["availabilityType"] ??= "ZONAL";
        result["pricingPlan"] ??= "PER_USE";
        result["replicationType"] ??= "SYNCHRONOUS";
        result["activationPolicy"] ??= "ALWAYS";
        result["dataDiskType"] ??= "PD_SSD";
        result["dataDiskSizeGb"] = (result["dataDiskSizeGb"]?.ToString() ?? "10");
        result["storageAutoResize"] ??= true;
        result["storageAutoResizeLimit"] = (result["storageAutoResizeLimit"]?.ToString() ?? "0");
        result["deletionProtectionEnabled"] ??= false;
        var ip = Child(result, "ipConfiguration");
        ip["ipv4Enabled"] ??= true;
        ip["sslMode"] ??= "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
        // Google's legacy flag: true only when client certificates are required (ENCRYPTED_ONLY leaves it false).
        ip["requireSsl"] ??= ip["sslMode"]!.GetValue<string>() == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED";
        var backup = Child(result, "backupConfiguration");
        backup["kind"] = "sql#backupConfiguration";
        backup["enabled"] ??= false;
        backup["binaryLogEnabled"] ??= false;
        backup["startTime"] ??= "00:00";
        backup["transactionLogRetentionDays"] ??= 7;
        var retention = Child(backup, "backupRetentionSettings");
        retention["retentionUnit"] ??= "COUNT";
        retention["retainedBackups"] ??= 7;
        var location = Child(result, "locationPreference");
        location["kind"] = "sql#locationPreference";
        location["zone"] ??= zone;
        return result;
    }

    /// <summary>The rules Google enforces on the whole settings object, after defaults.</summary>
    public static void Validate(JsonObject settings)
    {
        var tier = settings["tier"]?.GetValue<string>();
        if (string.IsNullOrEmpty(tier))
        {
            throw CloudSqlErrors.Invalid("Tier is required.");
        }
        var edition = settings["edition"]!.GetValue<string>();
        if (!TierPattern().IsMatch(tier))
        {
            throw CloudSqlErrors.Invalid($"Invalid Tier ({tier}).");
        }
        var perfOptimized = tier.StartsWith("db-perf-optimized-N-", StringComparison.Ordinal);
        if (edition == "ENTERPRISE_PLUS" && !perfOptimized)
        {
            throw CloudSqlErrors.Invalid(
                $"Invalid Tier ({tier}) for (ENTERPRISE_PLUS) Edition. Use a predefined Tier like db-perf-optimized-N-* " +
                "instead. Learn more at https://cloud.google.com/sql/docs/mysql/create-instance#machine-types");
        }
        if (edition != "ENTERPRISE_PLUS" && perfOptimized)
        {
            throw CloudSqlErrors.Invalid($"Invalid Tier ({tier}) for ({edition}) Edition.");
        }
        if (SharedCoreTiers.Contains(tier) && settings["availabilityType"]?.GetValue<string>() == "REGIONAL")
        {
            throw CloudSqlErrors.Invalid("High availability is not supported for shared-core tiers.");
        }
        var backup = settings["backupConfiguration"]!;
        if (backup["binaryLogEnabled"]!.GetValue<bool>() && !backup["enabled"]!.GetValue<bool>())
        {
            throw CloudSqlErrors.Invalid("Binary log must be disabled when backup is disabled.");
        }
        var ip = settings["ipConfiguration"]!;
        if (!ip["ipv4Enabled"]!.GetValue<bool>() && string.IsNullOrEmpty(ip["privateNetwork"]?.GetValue<string>()))
        {
            throw CloudSqlErrors.Invalid("At least one of Public IP or Private IP or PSC connectivity must be enabled.");
        }
    }

    /// <summary>Deep merge for PATCH: objects merge field by field, anything else is replaced.</summary>
    public static JsonObject Merge(JsonObject current, JsonObject patch)
    {
        var result = (JsonObject)current.DeepClone();
        foreach (var (name, value) in patch)
        {
            result[name] = value is JsonObject nested && result[name] is JsonObject existing
                ? Merge(existing, nested)
                : value?.DeepClone();
        }
        return result;
    }

    /// <summary>
    /// The project and network of <c>projects/P/global/networks/N</c>, also as a Compute URL (gcloud sends the
    /// network's selfLink, on this emulator when Compute's endpoint is overridden).
    /// </summary>
    public static (string Project, string Network)? ParseNetwork(string value)
    {
        var match = NetworkPattern().Match(value);
        return match.Success ? (match.Groups["project"].Value, match.Groups["network"].Value) : null;
    }

    /// <summary>Rewrites <c>ipConfiguration.privateNetwork</c> to the <c>projects/P/global/networks/N</c> form Google shows.</summary>
    public static void NormalizeNetwork(JsonObject settings)
    {
        if (settings["ipConfiguration"]?["privateNetwork"]?.GetValue<string>() is not { Length: > 0 } network)
        {
            return;
        }
        var parsed = ParseNetwork(network)
            ?? throw CloudSqlErrors.Invalid($"Invalid private network '{network}': expected projects/PROJECT/global/networks/NETWORK.");
        settings["ipConfiguration"]!["privateNetwork"] = $"projects/{parsed.Project}/global/networks/{parsed.Network}";
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject child)
        {
            child = new JsonObject();
            parent[name] = child;
        }
        return child;
    }

    [GeneratedRegex(@"^(db-f1-micro|db-g1-small|db-n1-(standard|highmem)-[0-9]+|db-custom-[0-9]+-[0-9]+|db-perf-optimized-N-[0-9]+)$")]
    private static partial Regex TierPattern();

    [GeneratedRegex(@"^(https?://[^/]+/([^/]+/)*compute/v1/)?projects/(?<project>[^/]+)/global/networks/(?<network>[a-z]([-a-z0-9]*[a-z0-9])?)$")]
    private static partial Regex NetworkPattern();
}
