using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>The resources of a deployment in dependency order, with the edges both ways.</summary>
    internal sealed class ResourceGraph
    {
        private readonly Dictionary<string, List<Resource>> _dependents;

        private ResourceGraph(IReadOnlyList<Resource> ordered)
        {
            Ordered = ordered;
            _dependents = ordered.ToDictionary(r => r.Id, _ => new List<Resource>(), StringComparer.Ordinal);
            foreach (var resource in ordered)
            {
                foreach (var dependency in resource.DependsOn)
                {
                    _dependents[dependency.Id].Add(resource);
                }
            }
        }

        /// <summary>Every resource, each after all of its dependencies; ties keep the order they were given in.</summary>
        public IReadOnlyList<Resource> Ordered { get; }

        public IReadOnlyList<Resource> DependentsOf(Resource resource) => _dependents[resource.Id];

        /// <summary>Builds the graph from the given resources and everything they depend on.</summary>
        public static ResourceGraph Build(IEnumerable<Resource> resources)
        {
            var all = CollectWithDependencies(resources);
            return new ResourceGraph(SortTopologically(all));
        }

        private static List<Resource> CollectWithDependencies(IEnumerable<Resource> resources)
        {
            var byId = new Dictionary<string, Resource>(StringComparer.Ordinal);
            var all = new List<Resource>();
            var pending = new Stack<Resource>(resources.Reverse());
            while (pending.Count > 0)
            {
                var resource = pending.Pop();
                if (byId.TryGetValue(resource.Id, out var known))
                {
                    if (!ReferenceEquals(known, resource))
                    {
                        throw new ArgumentException($"Two different resources use the id '{resource.Id}'.", nameof(resources));
                    }

                    continue;
                }

                byId.Add(resource.Id, resource);
                all.Add(resource);
                foreach (var dependency in resource.DependsOn.Reverse())
                {
                    pending.Push(dependency);
                }
            }

            return all;
        }

        private static List<Resource> SortTopologically(List<Resource> all)
        {
            var ordered = new List<Resource>(all.Count);
            var state = new Dictionary<Resource, bool>(); // false: being visited, true: done
            foreach (var resource in all)
            {
                Visit(resource, state, ordered, new List<Resource>());
            }

            return ordered;
        }

        private static void Visit(Resource resource, Dictionary<Resource, bool> state, List<Resource> ordered, List<Resource> path)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (!done)
                {
                    var cycle = path.SkipWhile(r => !ReferenceEquals(r, resource)).Select(r => r.Id).Concat(new[] { resource.Id });
                    throw new InvalidOperationException("The resources depend on each other in a cycle: " + string.Join(" -> ", cycle));
                }

                return;
            }

            state[resource] = false;
            path.Add(resource);
            foreach (var dependency in resource.DependsOn)
            {
                Visit(dependency, state, ordered, path);
            }

            path.RemoveAt(path.Count - 1);
            state[resource] = true;
            ordered.Add(resource);
        }
    }
}
