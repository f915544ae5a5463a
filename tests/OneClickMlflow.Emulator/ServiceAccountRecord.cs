using OneClickMlflow.Emulator.Iam;

namespace OneClickMlflow.Emulator;

/// <summary>
/// A service account known to the emulator: the minimal registry the credential APIs check targets against.
/// Its own IAM policy holds grants such as roles/iam.serviceAccountTokenCreator on the account.
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
    public IamPolicy Policy { get; } = new();
}
