using System;
using System.Collections.Generic;

namespace OneClickMlflow.Deployment
{
    /// <summary>How long applying a change usually takes on Google Cloud, for the remaining-time estimate of a run.</summary>
    public static class ExpectedDurations
    {
        /// <summary>Any change not in the table: a few API calls.</summary>
        public static readonly TimeSpan Small = TimeSpan.FromSeconds(10);

        // The slow ones, by resource id and action. Cloud SQL: creating an instance takes 5-15 minutes
        // (docs/gcp-apis brief, from Google's Cloud SQL docs), an update about 1.5 and a delete about 2. App Engine
        // flexible: a new version takes several minutes (6-10 reported in GoogleCloudPlatform/app-gradle-plugin#70).
        // The rest are the "realistic" operation durations the emulator models (LatencySettings.RealisticDurations).
        private static readonly Dictionary<(string ResourceId, ChangeAction Action), TimeSpan> Table =
            new Dictionary<(string, ChangeAction), TimeSpan>
            {
                [("sql-instance", ChangeAction.Create)] = TimeSpan.FromMinutes(10),
                [("sql-instance", ChangeAction.Update)] = TimeSpan.FromSeconds(90),
                [("sql-instance", ChangeAction.Delete)] = TimeSpan.FromMinutes(2),
                [("server-version", ChangeAction.Create)] = TimeSpan.FromMinutes(8),
                [("server-version", ChangeAction.Update)] = TimeSpan.FromMinutes(8),
                [("private-services-access", ChangeAction.Create)] = TimeSpan.FromSeconds(75),
                [("private-services-access", ChangeAction.Update)] = TimeSpan.FromSeconds(30),
                [("app-engine-app", ChangeAction.Create)] = TimeSpan.FromSeconds(60),
                [("apis", ChangeAction.Create)] = TimeSpan.FromSeconds(30),
                [("apis", ChangeAction.Update)] = TimeSpan.FromSeconds(30),
                [("network", ChangeAction.Create)] = TimeSpan.FromSeconds(25),
            };

        /// <summary>Where to follow a Google operation that keeps running after the command stops; null when nothing slow runs there.</summary>
        private static readonly Dictionary<string, Func<string, string>> Watch = new Dictionary<string, Func<string, string>>(StringComparer.Ordinal)
        {
            ["sql-instance"] = name => $"gcloud sql operations list --instance={name} --filter=\"status!=DONE\"",
            ["server-version"] = _ => "gcloud app operations list --pending",
        };

        public static TimeSpan For(string resourceId, ChangeAction action) =>
            Table.TryGetValue((resourceId, action), out var expected) ? expected : Small;

        /// <summary>A gcloud command that shows the resource's Google operation; null when there is none to follow.</summary>
        public static string? WatchCommand(string resourceId, string name) =>
            Watch.TryGetValue(resourceId, out var command) ? command(name) : null;
    }
}
