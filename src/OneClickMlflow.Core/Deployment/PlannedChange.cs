using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>One line of a deployment plan: what will happen to one resource, and why.</summary>
    public sealed class PlannedChange
    {
        private static readonly IReadOnlyDictionary<string, string> NoDetails = new Dictionary<string, string>();

        internal PlannedChange(Resource resource, ChangeAction action, string reason,
            IReadOnlyDictionary<string, string>? details, bool observed, string? warning = null)
        {
            Warning = warning;
            ResourceId = resource.Id;
            Kind = resource.Kind;
            Name = resource.Name;
            DependsOn = resource.DependsOn.Select(d => d.Id).ToList();
            Action = action;
            Reason = reason;
            Details = details ?? NoDetails;
            Observed = observed;
        }

        /// <summary>The resource's stable id in the deployment, e.g. "network".</summary>
        public string ResourceId { get; }

        /// <summary>What kind of thing it is, e.g. "Compute network".</summary>
        public string Kind { get; }

        /// <summary>The resource's name in Google Cloud.</summary>
        public string Name { get; }

        /// <summary>Ids of the resources this one needs.</summary>
        public IReadOnlyList<string> DependsOn { get; }

        public ChangeAction Action { get; }

        /// <summary>A sentence a person can read: "does not exist", "versioning is off, want on".</summary>
        public string Reason { get; }

        /// <summary>Field-level detail of the change (field -> wanted value or "old -> new").</summary>
        public IReadOnlyDictionary<string, string> Details { get; }

        /// <summary>False when the resource was not read because a dependency does not exist yet.</summary>
        public bool Observed { get; }

        /// <summary>Something the plan could not make sure of and the user should know before applying it; null for none.</summary>
        public string? Warning { get; }

        /// <summary>
        /// True for a change that takes away what people rely on (every web user's access): confirmed as a High-impact
        /// change even where the command's other changes are not.
        /// </summary>
        public bool HighImpact { get; internal set; }

        /// <summary>What ShouldProcess shows as the target: "Compute network 'mlflow-network'".</summary>
        public string Target => $"{Kind} '{Name}'";

        public override string ToString() => $"{Action} {Target}: {Reason}";
    }
}
