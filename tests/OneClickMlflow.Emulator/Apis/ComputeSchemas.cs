using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Compute v1 request bodies (compute_v1_messages: Network, Subnetwork, Address, Firewall, GlobalSetLabelsRequest,
/// RegionSetPolicyRequest).
/// </summary>
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

    private static readonly MessageSchema SubnetworkLogConfig = new MessageSchema("compute.SubnetworkLogConfig")
        .Enum("aggregationInterval", "compute.SubnetworkLogConfig.AggregationInterval",
            new[] { "INTERVAL_10_MIN", "INTERVAL_15_MIN", "INTERVAL_1_MIN", "INTERVAL_30_SEC", "INTERVAL_5_MIN", "INTERVAL_5_SEC" })
        .Bool("enable").String("filterExpr").Double("flowSampling")
        .Enum("metadata", "compute.SubnetworkLogConfig.Metadata", new[] { "CUSTOM_METADATA", "EXCLUDE_ALL_METADATA", "INCLUDE_ALL_METADATA" })
        .Strings("metadataFields");

    private static readonly MessageSchema SubnetworkSecondaryRange = new MessageSchema("compute.SubnetworkSecondaryRange")
        .String("ipCidrRange").String("rangeName").String("reservedInternalRange");

    public static readonly MessageSchema Subnetwork = new MessageSchema("compute.Subnetwork")
        .WithOutputFields()
        .String("name").String("description").String("network").String("ipCidrRange").String("region")
        .Bool("privateIpGoogleAccess").Bool("enableFlowLogs").Message("logConfig", SubnetworkLogConfig)
        .Messages("secondaryIpRanges", SubnetworkSecondaryRange)
        .Enum("purpose", "compute.Subnetwork.Purpose", new[]
        {
            "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER", "PEER_MIGRATION", "PRIVATE", "PRIVATE_NAT", "PRIVATE_RFC_1918",
            "PRIVATE_SERVICE_CONNECT", "REGIONAL_MANAGED_PROXY",
        })
        .Enum("role", "compute.Subnetwork.Role", new[] { "ACTIVE", "BACKUP" })
        .Enum("stackType", "compute.Subnetwork.StackType", new[] { "IPV4_IPV6", "IPV4_ONLY", "IPV6_ONLY" })
        .Enum("ipv6AccessType", "compute.Subnetwork.Ipv6AccessType", new[] { "EXTERNAL", "INTERNAL" })
        .Enum("privateIpv6GoogleAccess", "compute.Subnetwork.PrivateIpv6GoogleAccess", new[]
        {
            "DISABLE_GOOGLE_ACCESS", "ENABLE_BIDIRECTIONAL_ACCESS_TO_GOOGLE", "ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE",
        })
        .Enum("ipv6GceEndpoint", "compute.Subnetwork.Ipv6GceEndpoint", new[] { "VM_AND_FR", "VM_ONLY" })
        .Enum("state", "compute.Subnetwork.State", new[] { "DRAINING", "READY" })
        .String("gatewayAddress").Bytes("fingerprint").String("externalIpv6Prefix").String("internalIpv6Prefix")
        .String("ipv6CidrRange").String("ipCollection").String("reservedInternalRange")
        .Strings("systemReservedExternalIpv6Ranges").Strings("systemReservedInternalIpv6Ranges").AnyJson("params");

    private static readonly MessageSchema Expr = new MessageSchema("compute.Expr")
        .String("expression").String("title").String("description").String("location");

    private static readonly MessageSchema Binding = new MessageSchema("compute.Binding")
        .String("role").Strings("members").Message("condition", Expr);

    private static readonly MessageSchema Policy = new MessageSchema("compute.Policy")
        .Int32("version").Messages("bindings", Binding).AnyJson("auditConfigs").Bytes("etag");

    public static readonly MessageSchema RegionSetPolicy = new MessageSchema("compute.RegionSetPolicyRequest")
        .Message("policy", Policy).Messages("bindings", Binding).Bytes("etag");

    public static readonly MessageSchema SetLabels = new MessageSchema("compute.GlobalSetLabelsRequest")
        .Bytes("labelFingerprint").StringMap("labels");
}
