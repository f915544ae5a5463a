using System;
using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator;

/// <summary>
/// A service account known to the emulator: the one registry both the IAM API (create, get, list, patch, delete)
/// and the credential APIs use. Its own IAM policy holds grants such as roles/iam.serviceAccountTokenCreator on the
/// account. Guard changes with <see cref="EmulatorState.Gate"/>.
/// </summary>
public sealed class ServiceAccountRecord
{
    public ServiceAccountRecord(string email, string projectId, string uniqueId)
    {
        Email = email;
        ProjectId = projectId;
        UniqueId = uniqueId;
    }

    public string Email { get; }
    public string ProjectId { get; }
    public string UniqueId { get; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public bool Disabled { get; set; }

    /// <summary>When the IAM API created it; null for accounts seeded by tests or by issuing a key.</summary>
    public DateTimeOffset? CreatedThroughApi { get; set; }

    /// <summary>Bumped by every change to the account's fields; the etag follows it.</summary>
    public int Revision { get; set; } = 1;

    public IamPolicy Policy { get; } = new();
}
