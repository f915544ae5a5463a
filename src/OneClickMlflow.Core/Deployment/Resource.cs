using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// One thing the deployment manages. A subclass reads the live state in <see cref="ObserveAsync"/>, compares it
    /// with what it wants in <see cref="Plan"/>, and makes the planned change in <see cref="ApplyAsync"/>. Outputs
    /// (a self link, a private IP) are typed properties that dependents read during their own apply.
    /// </summary>
    public abstract class Resource
    {
        protected Resource(string id, string kind, string name, params Resource[] dependsOn)
        {
            Id = id;
            Kind = kind;
            Name = name;
            DependsOn = dependsOn;
        }

        /// <summary>Stable id within the deployment, e.g. "network".</summary>
        public string Id { get; }

        /// <summary>Human kind, e.g. "Compute network".</summary>
        public string Kind { get; }

        /// <summary>The Google resource name (a resource whose name follows from what it reads names itself in its plan).</summary>
        public string Name { get; protected set; }

        /// <summary>Resources that must exist before this one can be created (real dependencies only).</summary>
        public IReadOnlyList<Resource> DependsOn { get; }

        /// <summary>
        /// The dependencies whose observed state reading this resource needs (all of them by default): the resource
        /// is not read at all while one of these does not exist yet. Empty lets it be read at the same time as them.
        /// </summary>
        public virtual IReadOnlyList<Resource> ObservesAfter => DependsOn;

        /// <summary>
        /// Whether dependents can be read once this resource's plan is known. By default not when it will be created
        /// (what depends on it cannot exist yet); a resource such as API enablement also blocks on an update, since
        /// reading anything through a disabled API fails.
        /// </summary>
        public virtual bool LetsDependentsObserve(PlannedChange change) => change.Action != ChangeAction.Create;

        /// <summary>The IAM permissions reading and changing this resource need (at project level).</summary>
        public virtual ResourcePermissions Permissions => ResourcePermissions.None;

        /// <summary>Whether the last observation found the resource (used by the default removal plan).</summary>
        protected abstract bool Exists { get; }

        /// <summary>Reads the live state. Must not change anything.</summary>
        public abstract Task ObserveAsync(CancellationToken cancellationToken);

        /// <summary>The change that brings the observed state to the wanted state; throw <see cref="Refuse"/> when impossible.</summary>
        public abstract PlannedChange Plan();

        /// <summary>The change that removes the resource. Resources that keep data override this to keep it.</summary>
        public virtual PlannedChange PlanRemoval() => Exists ? Delete() : Unchanged("does not exist");

        /// <summary>Makes <see cref="ResourceApplyContext.Change"/> happen, then records the outputs dependents need.</summary>
        public abstract Task ApplyAsync(ResourceApplyContext context);

        protected PlannedChange Create(string reason = "does not exist", IReadOnlyDictionary<string, string>? details = null) =>
            new PlannedChange(this, ChangeAction.Create, reason, details, observed: true);

        protected PlannedChange Update(string reason, IReadOnlyDictionary<string, string>? details = null) =>
            new PlannedChange(this, ChangeAction.Update, reason, details, observed: true);

        protected PlannedChange Delete(string reason = "exists") =>
            new PlannedChange(this, ChangeAction.Delete, reason, null, observed: true);

        protected PlannedChange Unchanged(string reason = "up to date") =>
            new PlannedChange(this, ChangeAction.None, reason, null, observed: true);

        /// <summary>
        /// True for a resource whose create or change starts slow work Google bills for (a Cloud SQL instance, an App
        /// Engine version): once another change of the run has failed, such work is not started (see the engine).
        /// </summary>
        public virtual bool StartsBilledWork => false;

        /// <summary>Marks <paramref name="change"/> as one a person confirms even when the command's other changes are not asked about.</summary>
        protected static PlannedChange HighImpact(PlannedChange change)
        {
            change.HighImpact = true;
            return change;
        }

        /// <summary>No change, with a warning the caller shows the user (see <see cref="PlannedChange.Warning"/>).</summary>
        protected PlannedChange Unchanged(string reason, string warning) =>
            new PlannedChange(this, ChangeAction.None, reason, null, observed: true, warning);

        /// <summary>Use as <c>throw Refuse("...")</c> when the existing resource cannot be changed in place.</summary>
        protected PlanningException Refuse(string reason) =>
            new PlanningException(new PlanningRefusal(Id, Kind, Name, reason));

        /// <summary>The plan of a resource that could not be read because <paramref name="blockers"/> come first.</summary>
        internal PlannedChange CreateAfter(IReadOnlyList<PlannedChange> blockers)
        {
            var names = Sentence(blockers.Select(b => b.Target).ToList());
            var reason = blockers.All(b => b.Action == ChangeAction.Create)
                ? $"created once {names} {(blockers.Count == 1 ? "exists" : "exist")}"
                : $"read once {names} {(blockers.Count == 1 ? "is" : "are")} ready, and created if missing";
            return new PlannedChange(this, ChangeAction.Create, reason, null, observed: false);
        }

        /// <summary>"A", "A and B", "A, B and C".</summary>
        private static string Sentence(IReadOnlyList<string> parts) =>
            parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[parts.Count - 1];

        public override string ToString() => $"{Kind} '{Name}' ({Id})";
    }
}
