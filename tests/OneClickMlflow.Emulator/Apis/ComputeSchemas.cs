using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Compute v1 request bodies (compute_v1_messages: Network, Address, Firewall, GlobalSetLabelsRequest).</summary>
public static class ComputeSchemas
{
    private static MessageSchema WithOutputFields(this MessageSchema schema) => schema
        .String("kind").String("id").String("creationTimestamp").String("selfLink");

    public static readonly MessageSchema RoutingConfig = new MessageSchema("compute.NetworkRoutingConfig")
        .Enum("routingMode", "compute.NetworkRoutingConfig.RoutingMode", new[] { "GLOBAL", "REGIONAL" })
        .Enum("bgpBestPathSelectionMode", "compute.NetworkRoutingConfig.BgpBestPathSelectionMode", new[] { "LEGACY", "STANDARD" })
        .Bool("bgpAlwaysCompareMed")
        .Enum("bgpInterRegionCost", "compute.NetworkRoutingConfig.BgpInterRegionCost", new[] { "ADD_COST_TO_MED", "DEFAULT" });

    public static readonly MessageSchema Network = new MessageSchema("compute.Network")
        .WithOutputFields()
        .String("name").String("description").Bool("autoCreateSubnetworks").Message("routingConfig", RoutingConfig)
        .Int32("mtu").String("IPv4Range").Bool("enableUlaInternalIpv6").String("internalIpv6Range")
        .Enum("networkFirewallPolicyEnforcementOrder", "compute.Network.NetworkFirewallPolicyEnforcementOrder",
            new[] { "AFTER_CLASSIC_FIREWALL", "BEFORE_CLASSIC_FIREWALL" })
        .String("gatewayIPv4").String("selfLinkWithId").String("firewallPolicy").String("networkProfile")
        .Strings("subnetworks").AnyJson("peerings").AnyJson("params");

    public static readonly MessageSchema Address = new MessageSchema("compute.Address")
        .WithOutputFields()
        .String("name").String("description").String("address").Int32("prefixLength").String("network")
        .Enum("addressType", "compute.Address.AddressType", new[] { "EXTERNAL", "INTERNAL", "UNSPECIFIED_TYPE" })
        .Enum("purpose", "compute.Address.Purpose", new[]
        {
            "DNS_RESOLVER", "GCE_ENDPOINT", "IPSEC_INTERCONNECT", "NAT_AUTO", "PRIVATE_SERVICE_CONNECT", "SERVERLESS",
            "SHARED_LOADBALANCER_VIP", "VPC_PEERING",
        })
        .Enum("ipVersion", "compute.Address.IpVersion", new[] { "IPV4", "IPV6", "UNSPECIFIED_VERSION" })
        .Enum("networkTier", "compute.Address.NetworkTier", new[] { "FIXED_STANDARD", "PREMIUM", "STANDARD", "STANDARD_OVERRIDES_FIXED_STANDARD" })
        .Bytes("labelFingerprint").StringMap("labels").String("region").String("subnetwork").Strings("users")
        .Enum("status", "compute.Address.Status", new[] { "IN_USE", "RESERVED", "RESERVING" });

    private static readonly MessageSchema PortRule = new MessageSchema("compute.Firewall.AllowedValueListEntry")
        .String("IPProtocol").Strings("ports");

    private static readonly MessageSchema FirewallLogConfig = new MessageSchema("compute.FirewallLogConfig")
        .Bool("enable")
        .Enum("metadata", "compute.FirewallLogConfig.Metadata", new[] { "EXCLUDE_ALL_METADATA", "INCLUDE_ALL_METADATA" });

    public static readonly MessageSchema Firewall = new MessageSchema("compute.Firewall")
        .WithOutputFields()
        .String("name").String("description").String("network").Int32("priority")
        .Messages("allowed", PortRule).Messages("denied", PortRule)
        .Enum("direction", "compute.Firewall.Direction", new[] { "EGRESS", "INGRESS" })
        .Bool("disabled").Message("logConfig", FirewallLogConfig)
        .Strings("sourceRanges").Strings("destinationRanges").Strings("sourceTags").Strings("targetTags")
        .Strings("sourceServiceAccounts").Strings("targetServiceAccounts").AnyJson("params");

    public static readonly MessageSchema SetLabels = new MessageSchema("compute.GlobalSetLabelsRequest")
        .Bytes("labelFingerprint").StringMap("labels");
}
