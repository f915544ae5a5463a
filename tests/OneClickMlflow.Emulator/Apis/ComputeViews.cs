using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>How Compute shows its resources (compute#network, compute#address, compute#firewall).</summary>
public static class ComputeViews
{
    public static JsonObject Network(EmulatorState state, ComputeNetwork network)
    {
        var json = Header("compute#network", network);
        json["selfLink"] = ComputeLinks.Global(state, network.ProjectId, "networks", network.Name);
        json["selfLinkWithId"] = ComputeLinks.Global(state, network.ProjectId, "networks", network.Id.ToString(CultureInfo.InvariantCulture));
        json["autoCreateSubnetworks"] = network.AutoCreateSubnetworks;
        json["routingConfig"] = new JsonObject
        {
            ["routingMode"] = network.RoutingMode,
            ["bgpBestPathSelectionMode"] = "LEGACY",
        };
        json["networkFirewallPolicyEnforcementOrder"] = "AFTER_CLASSIC_FIREWALL";
        json["mtu"] = 1460;
        var subnetworks = state.ApiState<ComputeState>().SubnetworksOn(network.ProjectId, network.Name)
            .OrderBy(s => s.Region, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => (JsonNode?)ComputeLinks.Regional(state, s.ProjectId, s.Region, "subnetworks", s.Name)).ToArray();
        if (subnetworks.Length > 0)
        {
            json["subnetworks"] = new JsonArray(subnetworks);
        }
        if (network.Peerings.Count > 0)
        {
            json["peerings"] = new JsonArray(network.Peerings.Select(p => (JsonNode?)p.DeepClone()).ToArray());
        }
        return json;
    }

    public static JsonObject Subnetwork(EmulatorState state, ComputeSubnetwork subnetwork)
    {
        var json = Header("compute#subnetwork", subnetwork);
        json["network"] = ComputeLinks.Global(state, subnetwork.ProjectId, "networks", subnetwork.NetworkName);
        json["ipCidrRange"] = subnetwork.IpCidrRange;
        json["gatewayAddress"] = subnetwork.GatewayAddress;
        json["region"] = $"{ComputeLinks.Base(state)}projects/{subnetwork.ProjectId}/regions/{subnetwork.Region}";
        json["selfLink"] = ComputeLinks.Regional(state, subnetwork.ProjectId, subnetwork.Region, "subnetworks", subnetwork.Name);
        json["privateIpGoogleAccess"] = subnetwork.PrivateIpGoogleAccess;
        json["fingerprint"] = subnetwork.Fingerprint;
        json["purpose"] = "PRIVATE";
        json["stackType"] = "IPV4_ONLY";
        json["state"] = "READY";
        return json;
    }

    public static JsonObject Address(EmulatorState state, ComputeAddress address)
    {
        var json = Header("compute#address", address);
        json["address"] = address.Address;
        if (address.PrefixLength is int prefix)
        {
            json["prefixLength"] = prefix;
        }
        json["status"] = "RESERVED";
        json["selfLink"] = ComputeLinks.Global(state, address.ProjectId, "addresses", address.Name);
        json["addressType"] = address.AddressType;
        if (address.AddressType == "EXTERNAL")
        {
            json["networkTier"] = "PREMIUM";
            json["ipVersion"] = "IPV4";
        }
        if (address.Purpose is not null)
        {
            json["purpose"] = address.Purpose;
        }
        if (address.NetworkName is not null)
        {
            json["network"] = ComputeLinks.Global(state, address.ProjectId, "networks", address.NetworkName);
        }
        if (address.Labels.Count > 0)
        {
            json["labels"] = new JsonObject(address.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }
        json["labelFingerprint"] = address.LabelFingerprint;
        return json;
    }

    public static JsonObject Firewall(EmulatorState state, ComputeFirewall firewall)
    {
        var json = Header("compute#firewall", firewall);
        foreach (var (key, value) in firewall.Body)
        {
            json[key] = value?.DeepClone();
        }
        json["network"] = ComputeLinks.Global(state, firewall.ProjectId, "networks", firewall.NetworkName);
        json["selfLink"] = ComputeLinks.Global(state, firewall.ProjectId, "firewalls", firewall.Name);
        return json;
    }

    private static JsonObject Header(string kind, ComputeResource resource)
    {
        var json = new JsonObject
        {
            ["kind"] = kind,
            ["id"] = resource.Id.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = ComputeLinks.Timestamp(resource.Created),
            ["name"] = resource.Name,
        };
        if (resource.Description is not null)
        {
            json["description"] = resource.Description;
        }
        return json;
    }
}
