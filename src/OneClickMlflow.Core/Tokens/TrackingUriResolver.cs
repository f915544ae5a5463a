using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;

namespace OneClickMlflow.Tokens
{
    /// <summary>
    /// Where a deployment's tracking server answers: the App Engine service that serves the deployment's version, at
    /// the app's default host name (the <c>default</c> service) or <c>SERVICE-dot-</c> it. What was found is kept for
    /// the process, as tokens are, so that a script asking for a token per run does not list services per run.
    /// </summary>
    public static class TrackingUriResolver
    {
        private static readonly ConcurrentDictionary<string, (string Host, string Service)> Found =
            new ConcurrentDictionary<string, (string Host, string Service)>(StringComparer.Ordinal);

        /// <param name="refresh">Look the service up again instead of reusing what this process found before.</param>
        public static async Task<Uri> ResolveAsync(GoogleCloudSession session, string projectId, string deploymentName, bool refresh,
            CancellationToken cancellationToken)
        {
            // The same project reached through another App Engine endpoint is another project.
            var key = session.Endpoints.RootOf(GoogleApis.AppEngine) + "\n" + projectId + "\n" + deploymentName;
            if (!refresh && Found.TryGetValue(key, out var known))
            {
                return ForService(known.Host, known.Service);
            }
            var found = await FindAsync(session, projectId, deploymentName, cancellationToken).ConfigureAwait(false);
            Found[key] = found;
            return ForService(found.Host, found.Service);
        }

        private static async Task<(string Host, string Service)> FindAsync(GoogleCloudSession session, string projectId,
            string deploymentName, CancellationToken cancellationToken)
        {
            AppEngineApplication? app;
            try
            {
                app = await session.AppEngine.GetApplicationAsync(projectId, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsServiceDisabled)
            {
                // A project whose App Engine Admin API is off has no App Engine application, hence no deployment.
                throw UnknownDeployment(projectId, deploymentName, "the App Engine Admin API is not enabled there");
            }
            if (app?.DefaultHostname is not { Length: > 0 } host)
            {
                throw UnknownDeployment(projectId, deploymentName, "the project has no App Engine application");
            }

            var names = DeploymentNames.For(projectId, deploymentName);
            var locator = new ServerServiceLocator(session.AppEngine, session.ResourceManager, projectId, deploymentName,
                names.ArtifactDestination, requestedService: null);
            var served = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            if (served.ServingOwnVersion == null)
            {
                throw UnknownDeployment(projectId, deploymentName, "no App Engine service of the project serves it");
            }
            return (host, served.ServiceId);
        }

        /// <summary>The tracking URL of an app whose <c>defaultHostname</c> is <paramref name="defaultHostname"/>.</summary>
        public static Uri FromDefaultHostname(string defaultHostname) => AppServingEndpoint.TrackingUriFor(defaultHostname);

        /// <summary>The tracking URL of a service of the app: the app's own host for <c>default</c>, else <c>SERVICE-dot-HOST</c>.</summary>
        public static Uri ForService(string defaultHostname, string serviceId) => FromDefaultHostname(
            serviceId == ServerServiceLocator.DefaultService ? defaultHostname : serviceId + "-dot-" + defaultHostname);

        private static TrackingTokenException UnknownDeployment(string projectId, string deploymentName, string why) =>
            new TrackingTokenException(TrackingTokenFailure.UnknownDeployment,
                $"Unknown deployment '{deploymentName}' in project '{projectId}': {why}. " +
                "Deploy it with New-MlflowDeployment, check -ProjectId, or pass -TrackingUri.");
    }
}
