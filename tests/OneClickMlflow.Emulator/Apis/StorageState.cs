using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>An object in a bucket: its bytes and metadata.</summary>
public sealed class StorageObject
{
    public required string Name { get; init; }
    public required long Generation { get; init; }
    public required byte[] Content { get; init; }
    public required string ContentType { get; init; }
    public required DateTimeOffset Created { get; init; }
}

/// <summary>
/// A bucket. <see cref="Settings"/> holds the writable fields as the client set them (patches merge into it);
/// the fields Google manages are kept apart. Guard access with <see cref="EmulatorState.Gate"/>.
/// </summary>
public sealed class StorageBucket
{
    public required string Name { get; init; }
    public required string ProjectId { get; init; }
    public required long ProjectNumber { get; init; }
    public required DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; set; }
    public long Metageneration { get; set; } = 1;
    public required string Location { get; init; }
    public required string LocationType { get; init; }
    public JsonObject Settings { get; set; } = new();
    public IamPolicy Policy { get; } = new();
    public SortedDictionary<string, StorageObject> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Google's bucket etag: the base64 of the metageneration as a protobuf varint field.</summary>
    public string Etag => StorageState.VarintEtag(Metageneration);
}

/// <summary>Cloud Storage's state: buckets share one global namespace, as Google's do.</summary>
public sealed class StorageState : IDumpableState
{
    private long nextGeneration = 1_700_000_000_000_000;

    public Dictionary<string, StorageBucket> Buckets { get; } = new(StringComparer.Ordinal);

    public long NewGeneration() => nextGeneration += 1_000;

    public static string VarintEtag(long value)
    {
        var bytes = new List<byte> { 0x08 };
        var remaining = (ulong)value;
        do
        {
            var b = (byte)(remaining & 0x7F);
            remaining >>= 7;
            bytes.Add(remaining == 0 ? b : (byte)(b | 0x80));
        }
        while (remaining != 0);
        return Convert.ToBase64String(bytes.ToArray());
    }

    public JsonNode Dump() => new JsonArray(Buckets.Values
        .Select(b => (JsonNode?)$"{b.Name} ({b.ProjectId}, {b.Location}, {b.Objects.Count} objects)").ToArray());
}
