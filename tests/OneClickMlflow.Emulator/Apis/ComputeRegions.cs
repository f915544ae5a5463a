using System;
using System.Collections.Generic;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The Compute regions the emulator knows (those where App Engine runs) and the /20 each auto subnet mode network
/// gets there, from the "Auto mode IPv4 ranges" table of Google's VPC subnets documentation. Google reserves all
/// of 10.128.0.0/9 for these automatic subnetworks.
/// </summary>
public static class ComputeRegions
{
    public static readonly IReadOnlyDictionary<string, string> AutoModeRanges = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["asia-east1"] = "10.140.0.0/20",
        ["asia-east2"] = "10.170.0.0/20",
        ["asia-northeast1"] = "10.146.0.0/20",
        ["asia-northeast2"] = "10.174.0.0/20",
        ["asia-northeast3"] = "10.178.0.0/20",
        ["asia-south1"] = "10.160.0.0/20",
        ["asia-southeast1"] = "10.148.0.0/20",
        ["asia-southeast2"] = "10.184.0.0/20",
        ["australia-southeast1"] = "10.152.0.0/20",
        ["europe-central2"] = "10.186.0.0/20",
        ["europe-west1"] = "10.132.0.0/20",
        ["europe-west2"] = "10.154.0.0/20",
        ["europe-west3"] = "10.156.0.0/20",
        ["europe-west6"] = "10.172.0.0/20",
        ["northamerica-northeast1"] = "10.162.0.0/20",
        ["southamerica-east1"] = "10.158.0.0/20",
        ["us-central1"] = "10.128.0.0/20",
        ["us-east1"] = "10.142.0.0/20",
        ["us-east4"] = "10.150.0.0/20",
        ["us-west1"] = "10.138.0.0/20",
        ["us-west2"] = "10.168.0.0/20",
        ["us-west3"] = "10.180.0.0/20",
        ["us-west4"] = "10.182.0.0/20",
    };

    public static bool IsKnown(string region) => AutoModeRanges.ContainsKey(region);

    /// <summary>The region of an App Engine location id: only us-central and europe-west drop the "1".</summary>
    public static string OfAppEngineLocation(string locationId) => locationId switch
    {
        "us-central" => "us-central1",
        "europe-west" => "europe-west1",
        _ => locationId,
    };
}
