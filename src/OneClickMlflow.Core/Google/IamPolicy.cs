using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Google
{
    /// <summary>google.iam.v1.Policy (version 3: bindings may carry conditions).</summary>
    public sealed class IamPolicy
    {
        public int? Version { get; set; }

        public List<IamBinding> Bindings { get; set; } = new List<IamBinding>();

        public string? Etag { get; set; }

        /// <summary>Adds a member to the unconditional binding of a role; false when it was already there.</summary>
        public bool AddMember(string role, string member)
        {
            var binding = Bindings.FirstOrDefault(b => b.Role == role && b.Condition == null);
            if (binding == null)
            {
                Bindings.Add(new IamBinding { Role = role, Members = new List<string> { member } });
                return true;
            }
            if (binding.Members.Contains(member, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }
            binding.Members.Add(member);
            return true;
        }

        /// <summary>Removes a member from the unconditional binding of a role; false when it was not there.</summary>
        public bool RemoveMember(string role, string member)
        {
            var binding = Bindings.FirstOrDefault(b => b.Role == role && b.Condition == null);
            if (binding == null || binding.Members.RemoveAll(m => string.Equals(m, member, StringComparison.OrdinalIgnoreCase)) == 0)
            {
                return false;
            }
            if (binding.Members.Count == 0)
            {
                Bindings.Remove(binding);
            }
            return true;
        }

        public bool HasMember(string role, string member) =>
            Bindings.Any(b => b.Role == role && b.Condition == null && b.Members.Contains(member, StringComparer.OrdinalIgnoreCase));
    }

    public sealed class IamBinding
    {
        public string Role { get; set; } = "";

        public List<string> Members { get; set; } = new List<string>();

        public IamCondition? Condition { get; set; }
    }

    public sealed class IamCondition
    {
        public string? Title { get; set; }

        public string? Description { get; set; }

        public string Expression { get; set; } = "";
    }
}
