using System;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// What App Engine does while a new flexible version comes up (the create operation's flex_await_healthy step):
/// it pulls the image as the version's service account, then waits for the container to pass its health checks.
/// A failure ends the create operation with an error, and the failed version stays listed, as on Google.
/// </summary>
public static class AppEngineVersionStart
{
    private const string DownloadPermission = "artifactregistry.repositories.downloadArtifacts";

    /// <summary>Why the version cannot come up, or null when it can. Call with <see cref="EmulatorState.Gate"/> held.</summary>
    public static GoogleApiError? Failure(EmulatorState state, AppEngineApplication app, JsonObject version)
    {
        var image = version["deployment"]?["container"]?["image"]?.GetValue<string>() ?? "";
        var account = version["serviceAccount"]?.GetValue<string>() ?? $"{app.Id}@appspot.gserviceaccount.com";
        if (!CanPull(state, "serviceAccount:" + account, image))
        {
            return PullFailure(state);
        }
        var digest = image.Contains("@sha256:", StringComparison.Ordinal) ? image[(image.IndexOf('@') + 1)..] : null;
        var appEngine = state.ApiState<AppEngineState>();
        // The server image exits at start without the audience of IAP's signed header (unless the switch allows it).
        var refusesToStart = !appEngine.IapAudienceOptional && version["envVariables"]?[IapSignedHeader.AudienceVariable] is null;
        if ((digest is not null && appEngine.UnhealthyImages.Contains(digest)) || refusesToStart)
        {
            // The readiness check never passed within the start timeout: gcloud app deploy reports this as
            // "Error Response: [4] Your deployment has failed to become healthy in the allotted time...".
            return new GoogleApiError(504, "DEADLINE_EXCEEDED",
                "Your deployment has failed to become healthy in the allotted time and therefore was rolled back. If you believe " +
                "this was an error, try adjusting the 'app_start_timeout_sec' setting in the 'readiness_check' section.");
        }
        return null;
    }

    /// <summary>
    /// Whether the account may download the image from its Artifact Registry repository:
    /// <c>{location}-docker.pkg.dev/{project}/{repository}/...</c>, a Container Registry host (served from the
    /// repository named after it), or a registry on this machine (PROJECT/REPOSITORY/...).
    /// </summary>
    private static bool CanPull(EmulatorState state, string member, string image)
    {
        var slash = image.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }
        var host = image[..slash].Split(':')[0];
        var path = image[(slash + 1)..].Split('@')[0].Split(':')[0].Split('/');
        var (projectId, repositoryId) = host switch
        {
            _ when host.EndsWith("-docker.pkg.dev", StringComparison.Ordinal) || IsLoopback(host) =>
                path.Length >= 3 ? (path[0], path[1]) : (null, null),
            "gcr.io" or "us.gcr.io" or "eu.gcr.io" or "asia.gcr.io" => path.Length >= 2 ? (path[0], host) : (null, null),
            _ => ((string?)null, (string?)null),
        };
        var project = projectId is null ? null : state.FindProject(projectId);
        var repository = project is null ? null : state.ApiState<ArtifactRegistryState>().FindRepository(project.ProjectId, repositoryId!);
        return repository is not null && ArtifactRegistryState.Grants(project!, repository, member, DownloadPermission);
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Google's answer when the image cannot be pulled (magic-modules PR 6391's test log, flex_await_healthy).</summary>
    private static GoogleApiError PullFailure(EmulatorState state) => GoogleApiError.FailedPrecondition(
        "An internal error occurred while processing task /app-engine-flex/flex_await_healthy/flex_await_healthy>" +
        $"{state.Clock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss.fff'Z'}: There was an error while pulling the application's docker image: " +
        "the image does not exist, one of the image layers is missing or the default service account does not have permission " +
        "to pull the image. Please check if the image exists. Also check if the default service account has the role Artifact " +
        "Registry Reader (roles/artifactregistry.reader) to pull images from Artifact Registry.");
}
