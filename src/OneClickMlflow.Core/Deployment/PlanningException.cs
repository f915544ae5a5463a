using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>A resource that exists but cannot be brought to the wanted state in place.</summary>
    public sealed class PlanningRefusal
    {
        public PlanningRefusal(string resourceId, string kind, string name, string reason)
        {
            ResourceId = resourceId;
            Kind = kind;
            Name = name;
            Reason = reason;
        }

        public string ResourceId { get; }
        public string Kind { get; }
        public string Name { get; }
        public string Reason { get; }

        public override string ToString() => $"{Kind} '{Name}' ({ResourceId}): {Reason}";
    }

    /// <summary>
    /// Raised while planning, before anything is changed, when one or more resources cannot be changed in place
    /// (for example an App Engine app in another region, which can never move).
    /// </summary>
    public sealed class PlanningException : Exception
    {
        public PlanningException(IReadOnlyList<PlanningRefusal> refusals)
            : base(BuildMessage(refusals))
        {
            Refusals = refusals;
        }

        public PlanningException(PlanningRefusal refusal)
            : this(new[] { refusal })
        {
        }

        public IReadOnlyList<PlanningRefusal> Refusals { get; }

        private static string BuildMessage(IReadOnlyList<PlanningRefusal> refusals)
        {
            if (refusals.Count == 0)
            {
                return "The deployment cannot be planned.";
            }

            if (refusals.Count == 1)
            {
                return $"Cannot change {refusals[0]} Nothing was changed.";
            }

            return "Cannot change these resources in place; nothing was changed: "
                + string.Join("; ", refusals.Select(r => r.ToString()));
        }
    }
}
