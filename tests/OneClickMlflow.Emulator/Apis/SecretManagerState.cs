using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>A secret: its replication, labels, versions and its own IAM policy. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class SecretRecord
{
    public required string ProjectId { get; init; }
    public required string SecretId { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required JsonObject Replication { get; init; }
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);
    public List<SecretVersionRecord> Versions { get; } = new();
    public IamPolicy Policy { get; } = new();
    public long Revision { get; set; } = 1;

    public string Etag => $"\"{Created.ToUnixTimeMilliseconds() * 1000 + Revision:x}\"";
}

/// <summary>A secret version: ENABLED, DISABLED or DESTROYED (its data gone).</summary>
public sealed class SecretVersionRecord
{
    public required int Number { get; init; }
    public required DateTimeOffset Created { get; init; }
    public byte[]? Data { get; set; }
    public bool ClientChecksum { get; init; }
    public string State { get; set; } = "ENABLED";
    public DateTimeOffset? Destroyed { get; set; }
}

/// <summary>Secret Manager's state: secrets by (project id, secret id).</summary>
public sealed class SecretManagerState : IDumpableState
{
    public Dictionary<(string Project, string Secret), SecretRecord> Secrets { get; } = new();

    public JsonNode Dump() => new JsonArray(Secrets.Values.Select(s => (JsonNode?)new JsonObject
    {
        ["name"] = $"{s.ProjectId}/{s.SecretId}",
        ["versions"] = new JsonArray(s.Versions.Select(v => (JsonNode?)$"{v.Number} {v.State}").ToArray()),
        ["iamPolicy"] = s.Policy.ToJson(),
    }).ToArray());
}

/// <summary>CRC32C (Castagnoli), the checksum Secret Manager uses for payloads.</summary>
public static class Crc32C
{
    public static uint Compute(byte[] data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
