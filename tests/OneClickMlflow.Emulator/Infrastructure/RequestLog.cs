using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>Thread-safe, append-only log of answered requests, read in the order they arrived.</summary>
public sealed class RequestLog
{
    private readonly object gate = new();
    private readonly List<RequestLogEntry> entries = new();

    public void Add(RequestLogEntry entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    /// <summary>
    /// Entries are added when a request ends, so a dropped connection can be logged after a later request;
    /// sorting by arrival time (stable for equal times) gives the order clients sent them in.
    /// </summary>
    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (gate)
        {
            return entries.OrderBy(e => e.Time).ToList();
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    /// <summary>
    /// Whether a request changes state: anything but GET/HEAD, except the POSTs that only read or mint tokens.
    /// </summary>
    public static bool IsMutating(string method, string path)
    {
        if (method is "GET" or "HEAD" or "OPTIONS")
        {
            return false;
        }
        if (ReadOnlyPrefixes.Any(p => path.StartsWith(p, System.StringComparison.Ordinal)))
        {
            return false;
        }
        if (path.EndsWith("/wait", System.StringComparison.Ordinal))
        {
            return false; // Compute's operations/{op}/wait only reads.
        }
        var colon = path.LastIndexOf(':');
        var slash = path.LastIndexOf('/');
        if (colon > slash)
        {
            var verb = path[(colon + 1)..];
            return !ReadOnlyVerbs.Contains(verb);
        }
        return true;
    }

    private static readonly string[] ReadOnlyPrefixes = { "/oauth2/", "/sts/", "/computeMetadata/" };

    private static readonly HashSet<string> ReadOnlyVerbs = new()
    {
        "getIamPolicy",
        "testIamPermissions",
        "getAncestry",
        "signJwt",
        "signBlob",
        "generateAccessToken",
        "generateIdToken",
        "wait",
        "access",
        "getAllowedLocations",
        "searchAll",
    };
}
