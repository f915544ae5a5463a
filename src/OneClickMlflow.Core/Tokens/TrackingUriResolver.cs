using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Tokens
{
    /// <summary>Where a deployment's tracking server answers: its App Engine application's default host name.</summary>
    public static class TrackingUriResolver
    {
        public static async Task<Uri> ResolveAsync(GoogleCloudSession session, string projectId, string deploymentName, CancellationToken cancellationToken)
        {
            var app = await new AppEngineAppLookup(session.Pipeline, session.Endpoints)
                .GetApplicationAsync(projectId, cancellationToken).ConfigureAwait(false);
            if (app?.DefaultHostname is not { Length: > 0 } host)
            {
                throw new TrackingTokenException(TrackingTokenFailure.UnknownDeployment,
                    $"Unknown deployment '{deploymentName}' in project '{projectId}': the project has no App Engine application. " +
                    "Deploy it with New-MlflowDeployment, check -ProjectId, or pass -TrackingUri.");
            }
            return new Uri("https://" + host + "/");
        }
    }
}
