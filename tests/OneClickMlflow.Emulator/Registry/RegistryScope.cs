using System;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>One <c>type:name:actions</c> scope of a registry token request (the name may hold a port's colon).</summary>
public sealed record RegistryScope(string Type, string Name, string[] Actions)
{
    public static RegistryScope? Parse(string scope)
    {
        var first = scope.IndexOf(':');
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first)
        {
            return null;
        }
        var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new RegistryScope(scope[..first], scope[(first + 1)..last], actions);
    }

    public JsonObject ToAccessEntry() => new()
    {
        ["type"] = Type,
        ["name"] = Name,
        ["actions"] = new JsonArray(Actions.Select(a => (JsonNode)a).ToArray()),
    };
}
