using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The longest dependency chain of a graph weighted by durations: no schedule can finish faster, so wall time
    /// divided by <see cref="Total"/> shows how well a run used its concurrency (1.0 is perfect).
    /// </summary>
    public sealed class CriticalPath
    {
        private CriticalPath(IReadOnlyList<string> resourceIds, TimeSpan total)
        {
            ResourceIds = resourceIds;
            Total = total;
        }

        /// <summary>The chain, first to last.</summary>
        public IReadOnlyList<string> ResourceIds { get; }

        public TimeSpan Total { get; }

        /// <param name="dependsOn">For each node, the nodes that must finish before it starts.</param>
        /// <param name="durations">How long each node took; a missing node counts as zero.</param>
        public static CriticalPath Compute(
            IReadOnlyDictionary<string, IReadOnlyList<string>> dependsOn,
            IReadOnlyDictionary<string, TimeSpan> durations)
        {
            var finish = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            var previous = new Dictionary<string, string?>(StringComparer.Ordinal);

            TimeSpan FinishOf(string id, HashSet<string> visiting)
            {
                if (finish.TryGetValue(id, out var known))
                {
                    return known;
                }

                if (!visiting.Add(id))
                {
                    throw new InvalidOperationException($"The graph has a cycle through '{id}'.");
                }

                string? longest = null;
                var start = TimeSpan.Zero;
                if (dependsOn.TryGetValue(id, out var dependencies))
                {
                    foreach (var dependency in dependencies)
                    {
                        var end = FinishOf(dependency, visiting);
                        if (longest == null || end > start)
                        {
                            longest = dependency;
                            start = end;
                        }
                    }
                }

                visiting.Remove(id);
                previous[id] = longest;
                var total = start + (durations.TryGetValue(id, out var duration) ? duration : TimeSpan.Zero);
                finish[id] = total;
                return total;
            }

            string? last = null;
            var best = TimeSpan.Zero;
            foreach (var id in dependsOn.Keys.Concat(durations.Keys).Distinct(StringComparer.Ordinal))
            {
                var end = FinishOf(id, new HashSet<string>(StringComparer.Ordinal));
                if (last == null || end > best)
                {
                    last = id;
                    best = end;
                }
            }

            var chain = new List<string>();
            for (var id = last; id != null; id = previous[id])
            {
                chain.Add(id);
            }

            chain.Reverse();
            return new CriticalPath(chain, best);
        }

        public override string ToString() => $"{Total.TotalSeconds:0.00}s: {string.Join(" -> ", ResourceIds)}";
    }
}
