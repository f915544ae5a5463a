using System;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator;

/// <summary>
/// A seeded organization: its numeric id, the primary domain Google shows as its displayName, the Workspace or Cloud
/// Identity customer that owns it, and its own IAM policy (reading it takes resourcemanager.organizations.get there;
/// a role on a project never grants it). Guard access with <see cref="EmulatorState.Gate"/>.
/// </summary>
public sealed class OrganizationState
{
    public OrganizationState(string id, string domain, string directoryCustomerId, DateTimeOffset createTime)
    {
        Id = id;
        Domain = domain;
        DirectoryCustomerId = directoryCustomerId;
        CreateTime = createTime;
    }

    public string Id { get; }
    public string Domain { get; }
    public string DirectoryCustomerId { get; }
    public DateTimeOffset CreateTime { get; }
    public IamPolicy Policy { get; } = new();

    public string Name => "organizations/" + Id;
}

/// <summary>A seeded folder: its numeric id and its parent (<c>organizations/ID</c> or <c>folders/ID</c>).</summary>
public sealed record FolderState(string Id, string Parent)
{
    public string Name => "folders/" + Id;
}
