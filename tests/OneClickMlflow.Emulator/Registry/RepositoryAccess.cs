using System.Linq;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Auth;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>
/// Whether a registry scope <c>repository:{project}/{repository}/{image...}:pull,push</c> may be granted: the
/// project's Artifact Registry repository must exist, and the caller must hold downloadArtifacts (pull) and
/// uploadArtifacts (push) on the project. Other scope types are granted as asked.
/// </summary>
public static class RepositoryAccess
{
    /// <summary>Why the scope is refused, or null when it may be granted.</summary>
    public static string? Refusal(EmulatorState state, Principal caller, RegistryScope scope)
    {
        if (scope.Type != "repository")
        {
            return null;
        }
        var parts = scope.Name.Split('/');
        var project = parts.Length >= 3 ? state.FindProject(parts[0]) : null;
        var permission = scope.Actions.Contains("push")
            ? "artifactregistry.repositories.uploadArtifacts"
            : "artifactregistry.repositories.downloadArtifacts";
        bool allowed;
        lock (state.Gate)
        {
            var repository = project is null ? null : state.ApiState<ArtifactRegistryState>().FindRepository(project.ProjectId, parts[1]);
            allowed = repository is not null && ArtifactRegistryState.Grants(project!, repository, caller.Member, permission);
        }
        if (!allowed)
        {
            var resource = parts.Length >= 2 ? $"projects/{parts[0]}/locations/-/repositories/{parts[1]}" : scope.Name;
            return $"Permission \"{permission}\" denied on resource \"{resource}\" (or it may not exist)";
        }
        return null;
    }
}
