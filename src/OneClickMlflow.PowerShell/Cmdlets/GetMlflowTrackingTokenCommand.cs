using System;
using System.Management.Automation;
using System.Security;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Tokens;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Gets a bearer token for a deployment's IAP-guarded tracking server: a JWT signed as the log pusher service
    /// account (or -ServiceAccount), or with -Audience an OIDC ID token for that OAuth client. Reuses a token of this
    /// process until five minutes before it expires.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MlflowTrackingToken", HelpUri = HelpLinks.GetMlflowTrackingToken)]
    [OutputType(typeof(MlflowTrackingToken))]
    public sealed class GetMlflowTrackingTokenCommand : AsyncCmdlet
    {
        public const string TrackingUriVariable = "MLFLOW_TRACKING_URI";
        public const string TrackingTokenVariable = "MLFLOW_TRACKING_TOKEN";

        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name given to New-MlflowDeployment (default mlflow); the first positional parameter, as everywhere.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string Name { get; set; } = DeploymentNames.DefaultName;

        /// <summary>The tracking server's URL; when given, no App Engine lookup is made.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Uri? TrackingUri { get; set; }

        /// <summary>The account the token speaks for; defaults to the deployment's own log pusher (or, while the deployment moves off it, the one deployments once shared).</summary>
        [Parameter]
        [PSDefaultValue(Help = "the deployment's log pusher account")]
        public string? ServiceAccount { get; set; }

        /// <summary>An OAuth client id: returns an OIDC ID token for it instead of a self-signed JWT.</summary>
        [Parameter]
        public string? Audience { get; set; }

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        [Parameter]
        public SwitchParameter SetEnvironment { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Gets a new token instead of the cached one (not -Force: that name belongs to ShouldProcess cmdlets).</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        protected override void ProcessRecord()
        {
            string? givenProject = null, impersonate = null, serviceAccount = null, audience = null;
            string name = DeploymentNames.DefaultName;
            Uri? givenUri = null;
            CheckParameters(() =>
            {
                givenProject = ProjectArgument(ProjectId);
                name = DeploymentInputValidator.ValidateDeploymentName(Argument(nameof(Name), Name) ?? DeploymentNames.DefaultName);
                givenUri = TrackingUri == null && !Given(nameof(TrackingUri)) ? null : TrackingTokenInputs.ValidateTrackingUri(TrackingUri);
                serviceAccount = ServiceAccount == null ? null : DeploymentInputValidator.ValidateServiceAccountEmail(nameof(ServiceAccount), ServiceAccount);
                audience = TrackingTokenInputs.ValidateAudience(Audience);
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
            });
            (Uri trackingUri, IssuedToken token) issued;
            try
            {
                issued = RunAsync(async cancellationToken =>
                {
                    using GoogleCloudSession session = await OpenSessionAsync(givenProject, impersonate, cancellationToken,
                        Reporter.Debug, requireProject: false).ConfigureAwait(false);
                    Uri trackingUri = givenUri ?? await TrackingUriResolver.ResolveAsync(
                        session, RequireProject(session), name, Refresh, cancellationToken).ConfigureAwait(false);
                    var accounts = serviceAccount != null ? new[] { serviceAccount } : DeploymentNames.For(RequireProject(session), name).LogPusherCandidates;
                    Reporter.Verbose($"Getting a token of {accounts[0]} for {trackingUri} as {session.Account} ({session.CredentialSource}).");
                    var issuer = new TrackingTokenIssuer(session);
                    issuer.Log += Reporter.Verbose;
                    IssuedToken token = await issuer.IssueAsFirstAllowedAsync(
                        new TrackingTokenRequest(trackingUri, accounts[0]) { Audience = audience, Refresh = Refresh }, accounts, cancellationToken).ConfigureAwait(false);
                    return (trackingUri, token);
                });
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, ServiceAccount ?? TrackingUri?.ToString() ?? ProjectId);
                return;
            }

            string uri = issued.trackingUri.ToString().TrimEnd('/');
            if (SetEnvironment)
            {
                Environment.SetEnvironmentVariable(TrackingUriVariable, uri);
                Environment.SetEnvironmentVariable(TrackingTokenVariable, issued.token.Value);
                if (!PassThru)
                {
                    return;
                }
            }

            object value = AsPlainText ? issued.token.Value : ToSecureString(issued.token.Value);
            WriteObject(new MlflowTrackingToken(uri, value, issued.token.ExpiresOn, issued.token.ServiceAccount, issued.token.Audience));
        }

        private static string RequireProject(GoogleCloudSession session) => session.ProjectId ?? throw new TrackingTokenException(
            TrackingTokenFailure.NoTrackingUri,
            "No project to find the deployment in and no tracking URL: pass -ProjectId (or set CLOUDSDK_CORE_PROJECT), or pass -TrackingUri with -ServiceAccount.");

        private static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
