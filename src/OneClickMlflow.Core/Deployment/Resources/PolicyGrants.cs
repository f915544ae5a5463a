using System;
using System.Collections.Generic;
using System.Linq;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>One member in one binding of a policy (a conditional binding's grant is its own).</summary>
    internal sealed class PolicyGrant
    {
        public PolicyGrant(string role, string member, IamCondition? condition)
        {
            Role = role;
            Member = member;
            Condition = condition;
        }

        public string Role { get; }

        public string Member { get; }

        public IamCondition? Condition { get; }

        public override string ToString() =>
            $"{Role} for {Member}" + (Condition == null ? "" : $" (condition '{Condition.Title ?? Condition.Expression}')");
    }

    /// <summary>
    /// Reading a policy as grants, for resources that own a whole policy (the deployment's own accounts, bucket and
    /// service): whatever they do not want is an extra grant, shown as drift and taken off.
    /// </summary>
    internal static class PolicyGrants
    {
        public static List<PolicyGrant> Of(IamPolicy? policy) =>
            policy?.Bindings.SelectMany(b => b.Members.Select(m => new PolicyGrant(b.Role, m, b.Condition))).ToList() ?? new List<PolicyGrant>();

        /// <summary>The grants <paramref name="kept"/> does not accept.</summary>
        public static List<PolicyGrant> Extra(IamPolicy? policy, Func<PolicyGrant, bool> kept) => Of(policy).Where(g => !kept(g)).ToList();

        /// <summary>Takes each grant out of its own binding (conditional ones included); true when anything changed.</summary>
        public static bool Remove(IamPolicy policy, IEnumerable<PolicyGrant> grants)
        {
            var changed = false;
            foreach (var grant in grants)
            {
                var binding = policy.Bindings.FirstOrDefault(b => b.Role == grant.Role && SameCondition(b.Condition, grant.Condition)
                                                                  && b.Members.Contains(grant.Member, StringComparer.OrdinalIgnoreCase));
                if (binding == null)
                {
                    continue;
                }
                binding.Members.RemoveAll(m => string.Equals(m, grant.Member, StringComparison.OrdinalIgnoreCase));
                if (binding.Members.Count == 0)
                {
                    policy.Bindings.Remove(binding);
                }
                changed = true;
            }
            return changed;
        }

        /// <summary>"extra grant: A; B" for a plan's reason.</summary>
        public static string Sentence(IReadOnlyCollection<PolicyGrant> extra) =>
            (extra.Count == 1 ? "extra grant: " : "extra grants: ") + string.Join("; ", extra.Select(g => g.ToString()));

        private static bool SameCondition(IamCondition? a, IamCondition? b) =>
            a == null ? b == null : b != null && a.Expression == b.Expression && a.Title == b.Title;
    }
}
