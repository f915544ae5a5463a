using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Tokens;

namespace OneClickMlflow.Proxy
{
    /// <summary>What Start-MlflowTrackingProxy asks for: the deployment (or a URL), the identity and where to listen.</summary>
    public sealed class TrackingProxyRequest
    {
        /// <summary>The deployment to find the server and the account of; null with a TrackingUri and ServiceAccount that name no deployment.</summary>
        public string? DeploymentName { get; set; } = DeploymentNames.DefaultName;

        public Uri? TrackingUri { get; set; }

        public string? ServiceAccount { get; set; }

        public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

        public int Port { get; set; }
    }

    /// <summary>
    /// Starts a proxy for a deployment with the keyless tokens of Get-MlflowTrackingToken: the tracking URL of the
    /// service that serves the deployment, and JWTs of its log pusher signed through IAM Credentials (or the key, when
    /// the session is the account's key). The proxy keeps the session to renew its tokens and disposes of it when it stops.
    /// </summary>
    public static class TrackingProxyLauncher
    {
        public static async Task<MlflowTrackingProxy> StartAsync(GoogleCloudSession session, TrackingProxyRequest request, Action<string>? log,
            CancellationToken cancellationToken)
        {
            var trackingUri = request.TrackingUri ?? await TrackingUriResolver.ResolveAsync(
                session, RequireProject(session), request.DeploymentName ?? DeploymentNames.DefaultName, refresh: false, cancellationToken).ConfigureAwait(false);
            var accounts = request.ServiceAccount != null
                ? new[] { request.ServiceAccount }
                : DeploymentNames.For(RequireProject(session), request.DeploymentName ?? DeploymentNames.DefaultName).LogPusherCandidates;
            var issuer = new TrackingTokenIssuer(session);
            if (log != null)
            {
                issuer.Log += log;
            }
            var tokens = new ProxyTokenSource((refresh, ct) => issuer.IssueAsFirstAllowedAsync(
                new TrackingTokenRequest(trackingUri, accounts[0]) { Refresh = refresh }, accounts, ct));
            log?.Invoke($"Starting a proxy to {trackingUri} with tokens of {accounts[0]}, signed as {session.Account} ({session.CredentialSource}).");
            return await MlflowTrackingProxy.StartAsync(new TrackingProxyOptions(trackingUri, tokens)
            {
                ListenAddress = request.ListenAddress,
                Port = request.Port,
                AllowRemoteClients = !IPAddress.IsLoopback(request.ListenAddress),
                ProjectId = session.ProjectId,
                DeploymentName = request.DeploymentName,
                ServiceAccount = accounts[0],
                Owned = session,
            }, cancellationToken).ConfigureAwait(false);
        }

        private static string RequireProject(GoogleCloudSession session) => session.ProjectId ?? throw new TrackingTokenException(
            TrackingTokenFailure.NoTrackingUri,
            "No project to find the deployment in and no tracking URL: pass -ProjectId (or set CLOUDSDK_CORE_PROJECT), or pass -TrackingUri with -ServiceAccount.");
    }
}
