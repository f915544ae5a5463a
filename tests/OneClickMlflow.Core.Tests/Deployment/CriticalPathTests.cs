using System;
using System.Collections.Generic;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Deployment
{
    public class CriticalPathTests
    {
        private static TimeSpan Minutes(double value) => TimeSpan.FromMinutes(value);

        [Fact]
        public void Longest_chain_of_the_deployment_graph_runs_through_cloud_sql()
        {
            var dependsOn = new Dictionary<string, IReadOnlyList<string>>
            {
                ["apis"] = new string[0],
                ["network"] = new[] { "apis" },
                ["range"] = new[] { "network" },
                ["connection"] = new[] { "range" },
                ["sql"] = new[] { "connection" },
                ["bucket"] = new[] { "apis" },
                ["image"] = new[] { "apis" },
                ["version"] = new[] { "sql", "image", "bucket" },
            };
            var durations = new Dictionary<string, TimeSpan>
            {
                ["apis"] = Minutes(1), ["network"] = Minutes(0.5), ["range"] = Minutes(0.2), ["connection"] = Minutes(1),
                ["sql"] = Minutes(10), ["bucket"] = Minutes(0.1), ["image"] = Minutes(4), ["version"] = Minutes(8),
            };

            var path = CriticalPath.Compute(dependsOn, durations);

            Assert.Equal(new[] { "apis", "network", "range", "connection", "sql", "version" }, path.ResourceIds);
            Assert.Equal(Minutes(20.7), path.Total);
        }

        [Fact]
        public void Nodes_without_a_duration_count_as_instant()
        {
            var dependsOn = new Dictionary<string, IReadOnlyList<string>> { ["a"] = new string[0], ["b"] = new[] { "a" } };
            var durations = new Dictionary<string, TimeSpan> { ["b"] = Minutes(2) };

            var path = CriticalPath.Compute(dependsOn, durations);

            Assert.Equal(new[] { "a", "b" }, path.ResourceIds);
            Assert.Equal(Minutes(2), path.Total);
        }
    }
}
