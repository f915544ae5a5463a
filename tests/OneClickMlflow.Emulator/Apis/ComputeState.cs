using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>What every Compute resource has. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public abstract class ComputeResource
{
    public required string ProjectId { get; init; }
    public required string Name { get; init; }
    public required ulong Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public string? Description { get; init; }
}

/// <summary>A VPC network.</summary>
public sealed class ComputeNetwork : ComputeResource
{
    public bool AutoCreateSubnetworks { get; init; }
    public string RoutingMode { get; init; } = "REGIONAL";

    /// <summary>Peerings as Compute shows them (<c>servicenetworking-googleapis-com</c> once a connection exists).</summary>
    public List<JsonObject> Peerings { get; } = new();
}

/// <summary>
/// A regional subnetwork of a network: made by an insert, or automatically in every region for an auto subnet
/// mode network (named after the network, as Google names them).
/// </summary>
public sealed class ComputeSubnetwork : ComputeResource
{
    public required string Region { get; init; }
    public required string NetworkName { get; init; }
    public required string IpCidrRange { get; init; }
    public bool PrivateIpGoogleAccess { get; init; }
    public bool IsAutomatic { get; init; }

    /// <summary>Who may use the subnetwork (Shared VPC grants <c>roles/compute.networkUser</c> here).</summary>
    public IamPolicy Policy { get; } = new();

    public uint Start => Ipv4.Parse(IpCidrRange.Split('/')[0]);
    public int PrefixLength => int.Parse(IpCidrRange.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The second address of the range, as Google sets it.</summary>
    public string GatewayAddress => Ipv4.Format(Start + 1);

    /// <summary>Google's fingerprint of the resource: a patch must send the current one.</summary>
    public string Fingerprint =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{Id}/{IpCidrRange}/{PrivateIpGoogleAccess}"))[..8]);
}

/// <summary>A global address: an allocated range for private services access, or an external address.</summary>
public sealed class ComputeAddress : ComputeResource
{
    public required string Address { get; init; }
    public int? PrefixLength { get; init; }
    public required string AddressType { get; init; }
    public string? Purpose { get; init; }
    public string? NetworkName { get; init; }
    public SortedDictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Google's fingerprint of the labels: setLabels must send the current one.</summary>
    public string LabelFingerprint =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", Labels.Select(l => l.Key + "=" + l.Value))))[..8]);
}

/// <summary>A firewall rule; its body is kept as sent (with defaults filled in).</summary>
public sealed class ComputeFirewall : ComputeResource
{
    public required string NetworkName { get; init; }
    public required JsonObject Body { get; init; }
}

/// <summary>
/// Compute Engine's state: networks, regional subnetworks, global addresses, firewalls, the Shared VPC host of
/// service projects, and operations by requestId.
/// </summary>
public sealed class ComputeState : IDumpableState
{
    private long nextId = 1_000_000_000_000_000_000 / 10;

    public Dictionary<(string Project, string Name), ComputeNetwork> Networks { get; } = new();
    public Dictionary<(string Project, string Region, string Name), ComputeSubnetwork> Subnetworks { get; } = new();
    public Dictionary<(string Project, string Name), ComputeAddress> Addresses { get; } = new();
    public Dictionary<(string Project, string Name), ComputeFirewall> Firewalls { get; } = new();

    /// <summary>
    /// The Shared VPC host project of each attached service project (seeded: the xpn methods are not modelled).
    /// App Engine resolves a version's short network name in the app's project, then in this host.
    /// </summary>
    public Dictionary<string, string> SharedVpcHosts { get; } = new(StringComparer.Ordinal);

    /// <summary>Operation store names by (project, requestId): a repeated requestId returns the first operation.</summary>
    public Dictionary<(string Project, string RequestId), string> OperationsByRequestId { get; } = new();

    public ulong NewId() => (ulong)(nextId += 7_919);

    public IEnumerable<ComputeAddress> AddressesOn(string project, string network) =>
        Addresses.Values.Where(a => a.ProjectId == project && a.NetworkName == network);

    public IEnumerable<ComputeFirewall> FirewallsOn(string project, string network) =>
        Firewalls.Values.Where(f => f.ProjectId == project && f.NetworkName == network);

    public IEnumerable<ComputeSubnetwork> SubnetworksOn(string project, string network) =>
        Subnetworks.Values.Where(s => s.ProjectId == project && s.NetworkName == network);

    /// <summary>
    /// The first free block of <paramref name="prefixLength"/> in 10.0.0.0/8 on a network, avoiding its other
    /// allocated ranges and, for auto-mode networks, the 10.128.0.0/9 its subnets use.
    /// </summary>
    public string? AllocateRange(string project, ComputeNetwork network, int prefixLength)
    {
        var size = 1u << (32 - prefixLength);
        for (var start = Ipv4.Parse("10.0.0.0"); start < Ipv4.Parse("11.0.0.0"); start += size)
        {
            if (!Overlaps(project, network, start, prefixLength))
            {
                return Ipv4.Format(start);
            }
        }
        return null;
    }

    /// <summary>Whether a range overlaps another range or subnetwork on the network (or the auto-mode subnets).</summary>
    public bool Overlaps(string project, ComputeNetwork network, uint start, int prefixLength)
    {
        var ranges = AddressesOn(project, network.Name)
            .Where(a => a.PrefixLength is not null)
            .Select(a => (Ipv4.Parse(a.Address), a.PrefixLength!.Value))
            .Concat(SubnetworksOn(project, network.Name).Select(s => (s.Start, s.PrefixLength)))
            .ToList();
        if (network.AutoCreateSubnetworks)
        {
            ranges.Add((Ipv4.Parse("10.128.0.0"), 9));
        }
        return ranges.Any(r => Ipv4.Overlap(start, prefixLength, r.Item1, r.Item2));
    }

    public JsonNode Dump() => new JsonObject
    {
        ["networks"] = new JsonArray(Networks.Values.Select(n => (JsonNode?)$"{n.ProjectId}/{n.Name}").ToArray()),
        ["addresses"] = new JsonArray(Addresses.Values.Select(a => (JsonNode?)$"{a.ProjectId}/{a.Name} {a.Address}/{a.PrefixLength}").ToArray()),
        ["firewalls"] = new JsonArray(Firewalls.Values.Select(f => (JsonNode?)$"{f.ProjectId}/{f.Name}").ToArray()),
        ["subnetworks"] = new JsonArray(Subnetworks.Values
            .Select(s => (JsonNode?)$"{s.ProjectId}/{s.Region}/{s.Name} {s.IpCidrRange}").ToArray()),
    };
}

/// <summary>IPv4 addresses as 32-bit numbers.</summary>
public static class Ipv4
{
    public static uint Parse(string text)
    {
        var bytes = IPAddress.Parse(text).GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    public static bool TryParse(string text, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || text.Count(c => c == '.') != 3)
        {
            return false;
        }
        value = Parse(text);
        return true;
    }

    public static string Format(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";

    public static bool Overlap(uint a, int aPrefix, uint b, int bPrefix)
    {
        var prefix = Math.Min(aPrefix, bPrefix);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return (a & mask) == (b & mask);
    }
}
