using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.Tests.Deployment
{
    /// <summary>A resource of the fake cloud with a wanted value, an apply delay and optional failure.</summary>
    internal sealed class FakeResource : Resource
    {
        private readonly FakeCloud _cloud;
        private readonly FakeResource[] _dependencies;
        private string? _observed;
        private int _observations;

        public FakeResource(FakeCloud cloud, string id, params FakeResource[] dependsOn)
            : base(id, "Fake " + id, id + "-name", dependsOn)
        {
            _cloud = cloud;
            _dependencies = dependsOn;
        }

        public string Wanted { get; set; } = "v1";
        public TimeSpan ApplyDelay { get; set; } = TimeSpan.FromMilliseconds(20);

        public TimeSpan ObserveDelay { get; set; } = TimeSpan.FromMilliseconds(5);

        /// <summary>When set, ObserveAsync throws this (a read that Google refused).</summary>
        public Exception? ObserveFailWith { get; set; }

        /// <summary>When set, ApplyAsync throws this after its delay.</summary>
        public Exception? FailWith { get; set; }

        /// <summary>When set, the apply ends (or fails) only once this task has completed: orders runs without timing.</summary>
        public Task? FinishAfter { get; set; }

        /// <summary>When true, stands for a Cloud SQL instance or App Engine version: slow work Google bills for.</summary>
        public bool Billed { get; set; }

        public override bool StartsBilledWork => Billed;

        /// <summary>When true, a different live value cannot be changed in place.</summary>
        public bool Immutable { get; set; }

        /// <summary>When true, removal keeps the resource (like the artifacts bucket without -DeleteData).</summary>
        public bool KeepOnRemove { get; set; }

        /// <summary>When true, the resource is read even while its dependencies do not exist.</summary>
        public bool ReadsWithoutDependencies { get; set; }

        public override IReadOnlyList<Resource> ObservesAfter => ReadsWithoutDependencies ? System.Array.Empty<Resource>() : DependsOn;

        /// <summary>When true, dependents cannot be read until this resource needs no change (like API enablement).</summary>
        public bool GatesDependents { get; set; }

        public override bool LetsDependentsObserve(PlannedChange change) =>
            GatesDependents ? change.Action == ChangeAction.None : base.LetsDependentsObserve(change);

        public int Observations => Volatile.Read(ref _observations);
        public TimeSpan? ApplyStarted { get; private set; }
        public TimeSpan? ApplyEnded { get; private set; }

        /// <summary>The fake output a dependent reads: set when the resource exists.</summary>
        public string? SelfLink { get; private set; }

        protected override bool Exists => _observed != null;

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            using (_cloud.TrackRead())
            {
                await Task.Delay(ObserveDelay, cancellationToken);
            }

            if (ObserveFailWith != null)
            {
                throw ObserveFailWith;
            }

            Interlocked.Increment(ref _observations);
            _observed = _cloud.Get(Id);
            SelfLink = _observed == null ? null : "fake://" + Name;
        }

        public override PlannedChange Plan()
        {
            if (_observed == null)
            {
                return Create();
            }

            if (_observed == Wanted)
            {
                return Unchanged();
            }

            if (Immutable)
            {
                throw Refuse($"value is '{_observed}' and cannot change to '{Wanted}' in place");
            }

            return Update($"value is '{_observed}', want '{Wanted}'", new Dictionary<string, string> { ["value"] = $"{_observed} -> {Wanted}" });
        }

        public override PlannedChange PlanRemoval() =>
            KeepOnRemove && Exists ? Unchanged("kept: holds data") : base.PlanRemoval();

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            ApplyStarted = _cloud.Now;
            using (_cloud.TrackApply())
            {
                if (context.Change.Action != ChangeAction.Delete)
                {
                    var missing = _dependencies.Where(d => d.SelfLink == null).Select(d => d.Id).ToList();
                    if (missing.Count > 0)
                    {
                        throw new InvalidOperationException($"{Id} applied before {string.Join(", ", missing)} existed");
                    }
                }

                // Like Google: the request is accepted first, then the caller waits for the operation.
                switch (context.Change.Action)
                {
                    case ChangeAction.Create:
                        _cloud.Create(Id, Wanted);
                        break;
                    case ChangeAction.Update:
                        _cloud.Update(Id, Wanted);
                        break;
                    case ChangeAction.Delete:
                        _cloud.Delete(Id);
                        break;
                }

                context.ReportProgress("waiting for operation", 50);
                await Task.Delay(ApplyDelay, context.CancellationToken);
                if (FinishAfter != null)
                {
                    await FinishAfter.WaitAsync(context.CancellationToken);
                }
                if (FailWith != null)
                {
                    throw FailWith;
                }

                SelfLink = context.Change.Action == ChangeAction.Delete ? null : "fake://" + Name;
            }

            ApplyEnded = _cloud.Now;
        }
    }
}
