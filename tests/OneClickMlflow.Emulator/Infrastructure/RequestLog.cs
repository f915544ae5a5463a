using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>The log of answered requests, read in the order they arrived.</summary>
public sealed class RequestLog : OrderedLog<RequestLogEntry, System.DateTimeOffset>
{
    /// <summary>
    /// A dropped connection can be logged after a later request; sorting by arrival time gives the order clients
    /// sent them in.
    /// </summary>
    protected override System.DateTimeOffset ArrivalOrder(RequestLogEntry entry) => entry.Time;

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
