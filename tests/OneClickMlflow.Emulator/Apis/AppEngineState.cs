using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>An App Engine version. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class AppEngineVersion
{
    public required string Id { get; init; }
    public required string ServiceId { get; init; }
    public required JsonObject Body { get; init; }
    public required DateTimeOffset Created { get; init; }

    /// <summary>The email of the account that created it (the version's <c>createdBy</c>).</summary>
    public required string CreatedBy { get; init; }

    public string ServingStatus { get; set; } = "SERVING";
}

/// <summary>An App Engine service: its versions, traffic split and IAP policy.</summary>
public sealed class AppEngineService
{
    public required string Id { get; init; }
    public Dictionary<string, AppEngineVersion> Versions { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, double> Allocations { get; set; } = new(StringComparer.Ordinal);
    public string ShardBy { get; set; } = "IP";
    public IamPolicy IapPolicy { get; } = new();

    public bool HasServingVersion => ServingVersion is not null;

    /// <summary>The version the front door sends requests to: of those serving with traffic, the one with the largest share.</summary>
    public AppEngineVersion? ServingVersion => Versions.Values
        .Where(v => v.ServingStatus == "SERVING" && Allocations.GetValueOrDefault(v.Id) > 0)
        .OrderByDescending(v => Allocations[v.Id]).ThenBy(v => v.Id, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>The IAP audience the serving version's server checks signed headers against (its IAP_AUDIENCE), if set.</summary>
    public string? ServingIapAudience =>
        ServingVersion?.Body["envVariables"]?[IapSignedHeader.AudienceVariable] is JsonValue value && value.TryGetValue<string>(out var audience)
            ? audience
            : null;
}

/// <summary>An App Engine application (one per project): its settings, services and IAP state.</summary>
public sealed class AppEngineApplication
{
    public required string Id { get; init; }
    public required string LocationId { get; init; }
    public required string DefaultHostname { get; init; }
    public required DateTimeOffset Created { get; init; }
    public string ServingStatus { get; set; } = "SERVING";
    public string AuthDomain { get; set; } = "gmail.com";
    public bool IapEnabled { get; set; }
    public string? OAuthClientId { get; set; }
    public string? OAuthClientSecretSha256 { get; set; }

    /// <summary>The <c>iap</c> object of the last PATCH with updateMask iap, as the client sent it (secret included: tests only).</summary>
    public JsonObject? LastIapRequest { get; set; }
    public Dictionary<string, AppEngineService> Services { get; } = new(StringComparer.Ordinal);
    public IamPolicy IapPolicy { get; } = new();
    public JsonObject IapSettings { get; set; } = new();
}

/// <summary>The App Engine applications by project id.</summary>
public sealed class AppEngineState : IDumpableState
{
    public Dictionary<string, AppEngineApplication> Apps { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Named leniency switch (<see cref="EmulatorOptions.IapAudienceOptional"/>), off by default: a version without
    /// IAP_AUDIENCE never becomes healthy, as the server image refuses to start without it. On, such a version comes
    /// up and its MLflow stand-in serves without checking IAP's signed header.
    /// </summary>
    public bool IapAudienceOptional { get; set; }

    /// <summary>Image digests (sha256:HEX) whose server never answers its health checks: a version of one never comes up.</summary>
    public HashSet<string> UnhealthyImages { get; } = new(StringComparer.Ordinal);

    /// <summary>The application and service a front-door host names: <c>{defaultHostname}</c> or <c>{service}-dot-{defaultHostname}</c>.</summary>
    public (AppEngineApplication App, string ServiceId)? ResolveHost(string host)
    {
        foreach (var app in Apps.Values)
        {
            if (string.Equals(host, app.DefaultHostname, StringComparison.OrdinalIgnoreCase))
            {
                return (app, "default");
            }
            var suffix = "-dot-" + app.DefaultHostname;
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var service = host[..^suffix.Length];
                var dot = service.LastIndexOf("-dot-", StringComparison.Ordinal);
                return (app, dot < 0 ? service : service[(dot + 5)..]);
            }
        }
        return null;
    }

    public JsonNode Dump() => new JsonObject
    {
        ["apps"] = new JsonArray(Apps.Values.Select(a => (JsonNode?)new JsonObject
        {
            ["id"] = a.Id,
            ["defaultHostname"] = a.DefaultHostname,
            ["iapEnabled"] = a.IapEnabled,
            ["services"] = new JsonArray(a.Services.Values.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id,
                ["versions"] = new JsonArray(s.Versions.Keys.Select(v => (JsonNode?)v).ToArray()),
            }).ToArray()),
        }).ToArray()),
    };
}
