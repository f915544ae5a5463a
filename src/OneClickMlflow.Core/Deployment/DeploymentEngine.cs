using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Plans and applies a graph of resources: observe everything (read-only), plan, let the caller approve, then
    /// apply each approved change as soon as what it needs is done, several at a time.
    /// </summary>
    public sealed partial class DeploymentEngine
    {
        private readonly DeploymentEngineOptions _options;

        public DeploymentEngine(DeploymentEngineOptions? options = null)
        {
            _options = options ?? new DeploymentEngineOptions();
            if (_options.MaxConcurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrency must be at least 1.");
            }
        }

        /// <summary>Observes every resource and plans the changes that bring them to their wanted state.</summary>
        public Task<DeploymentPlan> PlanAsync(IEnumerable<Resource> resources, CancellationToken cancellationToken) =>
            PlanAsync(resources, DeploymentIntent.Converge, cancellationToken);

        /// <summary>
        /// Observes every resource (a resource after the dependencies it needs) and plans. Makes no change.
        /// Throws <see cref="PlanningException"/> when a resource cannot be changed in place, and rethrows the first
        /// error of an observation that failed.
        /// </summary>
        public async Task<DeploymentPlan> PlanAsync(IEnumerable<Resource> resources, DeploymentIntent intent,
            CancellationToken cancellationToken)
        {
            var graph = ResourceGraph.Build(resources);
            using var slots = new SemaphoreSlim(_options.MaxConcurrency);
            var observations = new Dictionary<Resource, Task<Observation>>();
            foreach (var resource in graph.Ordered)
            {
                var waitFor = intent == DeploymentIntent.Converge
                    ? resource.ObservesAfter.Select(d => observations[d]).ToArray()
                    : new Task<Observation>[0];
                observations[resource] = Task.Run(
                    () => ObserveAndPlanAsync(resource, intent, waitFor, slots, cancellationToken), CancellationToken.None);
            }

            var results = await Task.WhenAll(observations.Values).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var firstError = results.Select(r => r.Error).FirstOrDefault(e => e != null && !(e is PlanningException));
            if (firstError != null)
            {
                ExceptionDispatchInfo.Capture(firstError).Throw();
            }

            var refusals = results.Select(r => r.Error).OfType<PlanningException>().SelectMany(e => e.Refusals).ToList();
            if (refusals.Count > 0)
            {
                throw new PlanningException(refusals);
            }

            var ordered = intent == DeploymentIntent.Remove ? graph.Ordered.Reverse() : graph.Ordered;
            var changes = ordered.Select(r => observations[r].Result.Change!).ToList();
            return new DeploymentPlan(intent, graph, changes);
        }

        private async Task<Observation> ObserveAndPlanAsync(Resource resource, DeploymentIntent intent,
            Task<Observation>[] dependencies, SemaphoreSlim slots, CancellationToken cancellationToken)
        {
            var known = await Task.WhenAll(dependencies).ConfigureAwait(false);
            if (known.Any(d => d.Change == null))
            {
                return Observation.Failed(null); // a dependency could not be read: its error is reported
            }

            var blockers = known.Where(d => !d.Change!.Observed || !d.Resource.LetsDependentsObserve(d.Change!)).Select(d => d.Change!).ToList();
            if (blockers.Count > 0)
            {
                var change = resource.CreateAfter(blockers);
                Raise(resource, ResourcePhase.Planned, change.Action, TimeSpan.Zero, change.Reason);
                return Observation.Planned(resource, change);
            }

            var clock = Stopwatch.StartNew();
            try
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    Raise(resource, ResourcePhase.Observing, ChangeAction.None, clock.Elapsed, null);
                    await resource.ObserveAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }

                var change = intent == DeploymentIntent.Remove ? resource.PlanRemoval() : resource.Plan();
                Raise(resource, ResourcePhase.Planned, change.Action, clock.Elapsed, change.Reason);
                return Observation.Planned(resource, change);
            }
            catch (Exception error)
            {
                return Observation.Failed(error);
            }
        }

        private void Raise(Resource resource, ResourcePhase phase, ChangeAction action, TimeSpan elapsed,
            string? message, int? percentComplete = null)
        {
            _options.OnEvent?.Invoke(new ResourceEvent(resource.Id, resource.Kind, resource.Name, phase, action,
                elapsed, message, percentComplete));
        }

        private sealed class Observation
        {
            private Observation(Resource? resource, PlannedChange? change, Exception? error)
            {
                Resource = resource!;
                Change = change;
                Error = error;
            }

            public Resource Resource { get; }

            /// <summary>Null when the resource could not be planned.</summary>
            public PlannedChange? Change { get; }

            public Exception? Error { get; }

            public static Observation Planned(Resource resource, PlannedChange change) => new Observation(resource, change, null);

            public static Observation Failed(Exception? error) => new Observation(null, null, error);
        }
    }
}
