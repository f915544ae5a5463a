using System.Collections.Generic;

namespace OneClickMlflow.Google
{
    /// <summary>cloudresourcemanager_v1 ResourceId: "project", "folder" or "organization", and its id.</summary>
    public sealed class ResourceId
    {
        public string? Type { get; set; }

        public string? Id { get; set; }
    }

    /// <summary>cloudresourcemanager_v1 Ancestor.</summary>
    public sealed class Ancestor
    {
        public ResourceId? ResourceId { get; set; }
    }

    /// <summary>cloudresourcemanager_v1 GetAncestryResponse: the project first, then its parent, up to the top.</summary>
    public sealed class GetAncestryResponse
    {
        public List<Ancestor>? Ancestor { get; set; }
    }

    /// <summary>cloudresourcemanager_v1 Organization (the fields the deployment reads).</summary>
    public sealed class Organization
    {
        /// <summary>organizations/ID.</summary>
        public string? Name { get; set; }

        /// <summary>Set by Google to the primary domain of the Workspace or Cloud Identity account, e.g. example.com.</summary>
        public string? DisplayName { get; set; }

        public string? LifecycleState { get; set; }

        public OrganizationOwner? Owner { get; set; }
    }

    public sealed class OrganizationOwner
    {
        /// <summary>The Workspace or Cloud Identity customer that owns the organization.</summary>
        public string? DirectoryCustomerId { get; set; }
    }
}
