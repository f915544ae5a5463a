using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Google Cloud regions where an App Engine application can be created, with App Engine's own location id.
    /// Only us-central1 and europe-west1 differ: App Engine calls them us-central and europe-west.
    /// </summary>
    public static class AppEngineLocations
    {
        private static readonly IReadOnlyDictionary<string, string> LocationIdByRegion = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["asia-east1"] = "asia-east1",
            ["asia-east2"] = "asia-east2",
            ["asia-northeast1"] = "asia-northeast1",
            ["asia-northeast2"] = "asia-northeast2",
            ["asia-northeast3"] = "asia-northeast3",
            ["asia-south1"] = "asia-south1",
            ["asia-southeast1"] = "asia-southeast1",
            ["asia-southeast2"] = "asia-southeast2",
            ["australia-southeast1"] = "australia-southeast1",
            ["europe-central2"] = "europe-central2",
            ["europe-west1"] = "europe-west",
            ["europe-west2"] = "europe-west2",
            ["europe-west3"] = "europe-west3",
            ["europe-west6"] = "europe-west6",
            ["northamerica-northeast1"] = "northamerica-northeast1",
            ["southamerica-east1"] = "southamerica-east1",
            ["us-central1"] = "us-central",
            ["us-east1"] = "us-east1",
            ["us-east4"] = "us-east4",
            ["us-west1"] = "us-west1",
            ["us-west2"] = "us-west2",
            ["us-west3"] = "us-west3",
            ["us-west4"] = "us-west4",
        };

        /// <summary>Every supported region, sorted (for tab completion and error messages).</summary>
        public static IReadOnlyList<string> Regions { get; } = LocationIdByRegion.Keys.OrderBy(r => r, StringComparer.Ordinal).ToList();

        /// <summary>App Engine's location id for a region, e.g. "us-central" for "us-central1".</summary>
        public static bool TryGetLocationId(string region, out string locationId) =>
            LocationIdByRegion.TryGetValue(region, out locationId!);

        /// <summary>The region an App Engine location id stands for (the reverse mapping), or null.</summary>
        public static string? RegionOf(string locationId) =>
            LocationIdByRegion.Where(p => p.Value == locationId).Select(p => p.Key).FirstOrDefault();
    }
}
