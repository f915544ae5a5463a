using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The IAM permissions a resource's calls need, by what it does: reading it, and each kind of change. The
    /// prerequisite check and the documented roles take their union over the deployment's graph, so a resource that
    /// starts calling another method declares it here and nowhere else.
    /// </summary>
    public sealed class ResourcePermissions
    {
        public static readonly ResourcePermissions None = new ResourcePermissions();

        /// <param name="obtains">Permissions the resource grants the deploying account itself when it lacks them: needed, yet not a prerequisite.</param>
        public ResourcePermissions(IEnumerable<string>? read = null, IEnumerable<string>? create = null, IEnumerable<string>? update = null,
            IEnumerable<string>? delete = null, IEnumerable<string>? obtains = null)
        {
            Obtains = (obtains ?? Array.Empty<string>()).ToList();
            Read = (read ?? Array.Empty<string>()).ToList();
            Create = (create ?? Array.Empty<string>()).ToList();
            Update = (update ?? Array.Empty<string>()).ToList();
            Delete = (delete ?? Array.Empty<string>()).ToList();
        }

        public IReadOnlyList<string> Read { get; }

        /// <summary>What the resource grants the deploying account when missing (e.g. actAs on the server account).</summary>
        public IReadOnlyList<string> Obtains { get; }

        public IReadOnlyList<string> Create { get; }

        public IReadOnlyList<string> Update { get; }

        public IReadOnlyList<string> Delete { get; }

        /// <summary>What reading the resource and making <paramref name="action"/> need.</summary>
        public IEnumerable<string> For(ChangeAction action) => Read.Concat(action switch
        {
            ChangeAction.Create => Create,
            ChangeAction.Update => Update,
            ChangeAction.Delete => Delete,
            _ => Array.Empty<string>(),
        });

        /// <summary>Every permission of every kind: what the whole lifecycle of the resource needs.</summary>
        public IEnumerable<string> All => Read.Concat(Create).Concat(Update).Concat(Delete);

        /// <summary>The union over resources, sorted and without duplicates.</summary>
        public static IReadOnlyList<string> Union(IEnumerable<Resource> resources) =>
            resources.SelectMany(r => r.Permissions.All).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
    }
}
