using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Iam;

public sealed record IamBinding(string Role, IReadOnlyList<string> Members, JsonObject? Condition = null);

/// <summary>
/// A google.iam.v1.Policy with Google's etag rules: every change bumps a version counter and the etag is the
/// base64 of that counter (Google's look like <c>BwX…</c>); a set with a stale etag is refused with 409 ABORTED.
/// </summary>
public sealed class IamPolicy
{
    private const long EtagBase = 0x0705_0000_0000_0000;
    private readonly List<IamBinding> bindings = new();
    private JsonArray auditConfigs = new();
    private long revision = 1;

    public IReadOnlyList<IamBinding> Bindings => bindings;

    public string Etag => Convert.ToBase64String(BigEndian(EtagBase + revision));

    public int Version => bindings.Any(b => b.Condition is not null) ? 3 : 1;

    /// <summary>Adds a member to a role (no etag check: used for seeding).</summary>
    public void AddBinding(string role, string member)
    {
        var index = bindings.FindIndex(b => b.Role == role && b.Condition is null);
        if (index < 0)
        {
            bindings.Add(new IamBinding(role, new[] { member }));
        }
        else if (!bindings[index].Members.Contains(member))
        {
            bindings[index] = bindings[index] with { Members = bindings[index].Members.Append(member).ToArray() };
        }
        revision++;
    }

    /// <summary>Takes a member off a role (no etag check: used for out-of-band changes in tests).</summary>
    public void RemoveMember(string role, string member)
    {
        for (var i = bindings.Count - 1; i >= 0; i--)
        {
            if (bindings[i].Role == role && bindings[i].Condition is null && bindings[i].Members.Contains(member))
            {
                var rest = bindings[i].Members.Where(m => m != member).ToArray();
                if (rest.Length == 0)
                {
                    bindings.RemoveAt(i);
                }
                else
                {
                    bindings[i] = bindings[i] with { Members = rest };
                }
            }
        }
        revision++;
    }

    /// <summary>The roles of a member's unconditional bindings, with those granted to everyone (allUsers) or every signed-in principal (allAuthenticatedUsers).</summary>
    public IEnumerable<string> RolesOf(string member) =>
        bindings.Where(b => b.Condition is null && (b.Members.Contains(member) || b.Members.Contains(AllUsers)
                                                    || (b.Members.Contains(AllAuthenticatedUsers) && member.Contains(':'))))
            .Select(b => b.Role).Distinct();

    public const string AllUsers = "allUsers";
    public const string AllAuthenticatedUsers = "allAuthenticatedUsers";

    public bool Grants(string member, string permission) => RolesOf(member).Any(role => RoleCatalog.Grants(role, permission));

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["version"] = Version };
        if (auditConfigs.Count > 0)
        {
            json["auditConfigs"] = auditConfigs.DeepClone();
        }
        if (bindings.Count > 0)
        {
            json["bindings"] = new JsonArray(bindings.Select(BindingJson).ToArray<JsonNode?>());
        }
        json["etag"] = Etag;
        return json;
    }

    /// <summary>
    /// Replaces the policy from a setIamPolicy body. <paramref name="updateMask"/> defaults to bindings and etag;
    /// auditConfigs change only when the mask names them.
    /// </summary>
    public void Replace(JsonObject policy, string? updateMask)
    {
        if (policy["etag"]?.GetValue<string>() is { Length: > 0 } etag && etag != Etag)
        {
            throw GoogleApiError.Aborted(
                "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.");
        }
        var parsed = ParseBindings(policy);
        var version = policy["version"] is JsonNode v ? Convert.ToInt32(v.ToString()) : 1;
        if (parsed.Any(b => b.Condition is not null) && version < 3)
        {
            throw GoogleApiError.InvalidArgument(
                "Conditions can be set only in policies of version 3. Set the policy version to 3.", "policy.version");
        }
        var mask = (updateMask ?? "bindings,etag").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mask.Contains("bindings"))
        {
            bindings.Clear();
            bindings.AddRange(parsed);
        }
        if (mask.Contains("auditConfigs") || mask.Contains("audit_configs"))
        {
            auditConfigs = policy["auditConfigs"] as JsonArray is { } audit ? (JsonArray)audit.DeepClone() : new JsonArray();
        }
        revision++;
    }

    private static List<IamBinding> ParseBindings(JsonObject policy)
    {
        var result = new List<IamBinding>();
        if (policy["bindings"] is not JsonArray array)
        {
            return result;
        }
        foreach (var node in array.OfType<JsonObject>())
        {
            var role = node["role"]?.GetValue<string>() ?? "";
            if (!RoleCatalog.Exists(role))
            {
                throw GoogleApiError.InvalidArgument(
                    $"Role {role} is not supported for this resource.", "policy.bindings.role");
            }
            var members = (node["members"] as JsonArray)?.Select(m => m!.GetValue<string>()).ToArray() ?? Array.Empty<string>();
            foreach (var member in members)
            {
                if (!MemberNames.IsValid(member))
                {
                    throw GoogleApiError.InvalidArgument(
                        $"Invalid principal: {member}. Principals must be of the form <type>:<value>, " +
                        "such as user:alice@example.com.",
                        "policy.bindings.members");
                }
            }
            if (members.Length == 0)
            {
                continue; // Google drops bindings without members.
            }
            var condition = node["condition"] is JsonObject c ? (JsonObject)c.DeepClone() : null;
            var existing = result.FindIndex(b => b.Role == role && JsonNode.DeepEquals(b.Condition, condition));
            if (existing >= 0)
            {
                result[existing] = result[existing] with { Members = result[existing].Members.Union(members).ToArray() };
            }
            else
            {
                result.Add(new IamBinding(role, members.Distinct().ToArray(), condition));
            }
        }
        return result;
    }

    private static JsonObject BindingJson(IamBinding binding)
    {
        var json = new JsonObject
        {
            ["role"] = binding.Role,
            ["members"] = new JsonArray(binding.Members.Select(m => (JsonNode?)m).ToArray()),
        };
        if (binding.Condition is not null)
        {
            json["condition"] = binding.Condition.DeepClone();
        }
        return json;
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = BitConverter.GetBytes(value);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }
        return bytes;
    }
}
