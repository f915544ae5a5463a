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
            AppEngineApplication? app;
            try
            {
                app = await session.AppEngine.GetApplicationAsync(projectId, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException e) when (e.IsServiceDisabled)
            {
                // A project whose App Engine Admin API is off has no App Engine application, hence no deployment.
                throw UnknownDeployment(projectId, deploymentName, "the App Engine Admin API is not enabled there");
            }
            if (app?.DefaultHostname is not { Length: > 0 } host)
            {
                throw UnknownDeployment(projectId, deploymentName, "the project has no App Engine application");
            }
            return FromDefaultHostname(host);
        }

        /// <summary>The tracking URL of an app whose <c>defaultHostname</c> is <paramref name="defaultHostname"/>.</summary>
        public static Uri FromDefaultHostname(string defaultHostname) => AppServingEndpoint.TrackingUriFor(defaultHostname);

        private static TrackingTokenException UnknownDeployment(string projectId, string deploymentName, string why) =>
            new TrackingTokenException(TrackingTokenFailure.UnknownDeployment,
                $"Unknown deployment '{deploymentName}' in project '{projectId}': {why}. " +
                "Deploy it with New-MlflowDeployment, check -ProjectId, or pass -TrackingUri.");
    }
}
