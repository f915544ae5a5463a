using System;
using System.Collections.Generic;
using System.Linq;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>IAM members of one role's unconditional binding, compared ignoring case as IAM does.</summary>
    internal static class MemberSet
    {
        public static HashSet<string> Of(IamPolicy? policy, string role) => new HashSet<string>(
            policy?.Bindings.Where(b => b.Role == role && b.Condition == null).SelectMany(b => b.Members) ?? Enumerable.Empty<string>(),
            StringComparer.OrdinalIgnoreCase);

        public static HashSet<string> Of(IEnumerable<string> members) => new HashSet<string>(members, StringComparer.OrdinalIgnoreCase);

        /// <summary>Adds <paramref name="add"/> and removes <paramref name="remove"/> in the role's binding; true when anything changed.</summary>
        public static bool Edit(IamPolicy policy, string role, IEnumerable<string> add, IEnumerable<string> remove)
        {
            var changed = false;
            foreach (var member in remove)
            {
                changed |= policy.RemoveMember(role, member);
            }
            foreach (var member in add)
            {
                changed |= policy.AddMember(role, member);
            }
            return changed;
        }

        /// <summary>The plan's details of a binding change: each member with "grant" or "revoke".</summary>
        public static Dictionary<string, string> Details(IEnumerable<string> add, IEnumerable<string> remove)
        {
            var details = add.ToDictionary(m => m, _ => "grant", StringComparer.OrdinalIgnoreCase);
            foreach (var member in remove)
            {
                details[member] = "revoke";
            }
            return details;
        }

        /// <summary>"first; second" of the parts that are not null.</summary>
        public static string Sentence(params string?[] parts) => string.Join("; ", parts.Where(p => p != null));

        public static string List(IEnumerable<string> members) => string.Join(", ", members.OrderBy(m => m, StringComparer.OrdinalIgnoreCase));
    }
}
