using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator;

/// <summary>A seeded project: identity, parent, enabled services and its IAM policy. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class ProjectState
{
    /// <summary>What Google enables on a new project.</summary>
    public static readonly IReadOnlyList<string> DefaultServices = new[]
    {
        "bigquery.googleapis.com",
        "bigquerystorage.googleapis.com",
        "cloudapis.googleapis.com",
        "clouddebugger.googleapis.com",
        "cloudtrace.googleapis.com",
        "datastore.googleapis.com",
        "logging.googleapis.com",
        "monitoring.googleapis.com",
        "servicemanagement.googleapis.com",
        "serviceusage.googleapis.com",
        "sql-component.googleapis.com",
        "storage-api.googleapis.com",
        "storage-component.googleapis.com",
        "storage.googleapis.com",
    };

    public ProjectState(string projectId, long projectNumber, DateTimeOffset createTime)
    {
        ProjectId = projectId;
        ProjectNumber = projectNumber;
        CreateTime = createTime;
        Name = projectId;
    }

    public string ProjectId { get; }
    public long ProjectNumber { get; }
    public string Name { get; set; }
    public DateTimeOffset CreateTime { get; }
    /// <summary><c>organizations/ID</c>, <c>folders/ID</c>, or null for a project in no organization.</summary>
    public string? Parent { get; set; }
    public SortedSet<string> EnabledServices { get; } = new(StringComparer.Ordinal);
    public IamPolicy Policy { get; } = new();

    /// <summary>Whether the member holds the permission on the project; every question is kept in <see cref="CheckedPermissions"/>.</summary>
    public bool Grants(string member, string permission)
    {
        CheckedPermissions.Add((member, permission));
        return Policy.Grants(member, permission) || Policy.Grants("allAuthenticatedUsers", permission);
    }

    /// <summary>Every (member, permission) the emulator asked about this project: which permissions a caller's requests needed.</summary>
    public System.Collections.Concurrent.ConcurrentBag<(string Member, string Permission)> CheckedPermissions { get; } = new();

    /// <summary>The permissions of <paramref name="candidates"/> that <paramref name="member"/> holds on this project.</summary>
    public IReadOnlyList<string> HeldPermissions(string member, IEnumerable<string> candidates) =>
        candidates.Where(p => Grants(member, p)).Distinct().ToList();

    /// <summary>A stable 12-digit project number derived from the id, so runs are reproducible.</summary>
    public static long DeriveNumber(string projectId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(projectId));
        var value = BitConverter.ToUInt64(hash, 0) % 900_000_000_000UL;
        return (long)value + 100_000_000_000L;
    }
}
