using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// IAP on the App Engine application, with Google's managed OAuth client or the user's own. The secret of a
    /// custom client is compared through its sha256 and sent only in the request that sets it; it never appears in
    /// a plan. It comes before the server version, so nothing is ever served without IAP.
    /// The OAuth client is the whole application's, shared by every deployment of the project: each records the one
    /// it relies on as a label of its bucket (<see cref="OAuthClientLabel"/>), a plan refuses a client other than the
    /// one another deployment relies on, and Get-MlflowDeployment wants the recorded client, so a client changed
    /// behind the deployments' back shows as drift.
    /// </summary>
    public sealed class IapResource : Resource
    {
        private readonly AppEngineClient appEngine;
        private readonly StorageClient storage;
        private readonly AppEngineAppResource app;
        private readonly string projectId;
        private readonly string deploymentName;
        private readonly ServerSettings settings;
        private IdentityAwareProxy? live;
        private IReadOnlyList<DeploymentLocation> deployments = Array.Empty<DeploymentLocation>();

        public IapResource(AppEngineClient appEngine, StorageClient storage, AppEngineAppResource app, string projectId, string deploymentName,
            ServerSettings settings)
            : base("iap", "Identity-Aware Proxy", "apps/" + app.Name, app)
        {
            this.appEngine = appEngine;
            this.storage = storage;
            this.app = app;
            this.projectId = projectId;
            this.deploymentName = deploymentName;
            this.settings = settings;
        }

        public bool Enabled => live?.Enabled == true;

        /// <summary>The OAuth client IAP uses: "Google-managed" or the custom client id.</summary>
        public string OAuthClient => string.IsNullOrEmpty(live?.Oauth2ClientId) ? Deployment.OAuthClient.GoogleManaged : live!.Oauth2ClientId!;

        protected override bool Exists => Enabled;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "storage.buckets.list" }, update: new[] { "appengine.applications.update", "appengine.operations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            // The application's read carries its IAP settings; the project's deployments carry what each relies on.
            await app.ObservedAsync(cancellationToken).ConfigureAwait(false);
            live = app.Live?.Iap;
            deployments = await DeploymentDiscovery.FindAsync(storage, projectId, null, cancellationToken).ConfigureAwait(false);
        }

        public override PlannedChange Plan()
        {
            var wanted = WantedClientId();
            var others = settings.FollowLive ? new List<(string Name, string ClientId)>() : OthersRelyingOnAnother(wanted);
            if (others.Count > 0 && !settings.ChangeSharedOAuthClient)
            {
                throw Refuse(SharedClientConflict(wanted, others));
            }
            var note = others.Count == 0 ? "" :
                $" ({Names(others)} {(others.Count == 1 ? "relies" : "rely")} on another client and will show drift until run with this one)";
            if (live?.Enabled != true)
            {
                return Update("IAP is off" + note, Details(wanted));
            }
            var liveClient = live.Oauth2ClientId ?? "";
            if (liveClient != wanted)
            {
                var source = settings.FollowLive ? ", the client the deployment was made with" : "";
                return Update($"IAP uses {OAuthClientLabel.Describe(liveClient)}, want {OAuthClientLabel.Describe(wanted)}{source}{note}", Details(wanted));
            }
            if (!settings.FollowLive && settings.OAuthClient != null && live.Oauth2ClientSecretSha256 != settings.OAuthClient.SecretSha256())
            {
                return Update("the OAuth client's secret differs" + note, Details(wanted));
            }
            return Unchanged($"on, with {OAuthClientLabel.Describe(liveClient)}");
        }

        public override PlannedChange PlanRemoval() =>
            Unchanged(Enabled ? "kept: IAP stays on the App Engine application, which is never deleted" : "IAP is off");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var wanted = WantedClientId();
            var client = settings.OAuthClient;
            if (wanted.Length > 0 && client?.ClientId != wanted)
            {
                throw new InvalidOperationException($"IAP can be set to {OAuthClientLabel.Describe(wanted)} only with its secret: " +
                                                    "run New-MlflowDeployment with -OAuthClientId and -OAuthClientSecret.");
            }
            // Google's managed client is {enabled: true} alone, as gcloud sends it (googlecloudsdk/api_lib/iap/util.py,
            // _MakeIAPKwargs); under updateMask=iap that also clears a custom client set before.
            var iap = client == null
                ? new IdentityAwareProxy { Enabled = true }
                : client.WithSecret(secret => new IdentityAwareProxy { Enabled = true, Oauth2ClientId = client.ClientId, Oauth2ClientSecret = secret });
            await appEngine.UpdateIapAsync(app.Name, iap, context.CancellationToken).ConfigureAwait(false);
            live = new IdentityAwareProxy { Enabled = true, Oauth2ClientId = iap.Oauth2ClientId };
        }

        /// <summary>
        /// Empty for Google's managed client. Get-MlflowDeployment wants the client the deployment recorded, or, for a
        /// deployment made before it was recorded, whichever client is set.
        /// </summary>
        private string WantedClientId()
        {
            if (!settings.FollowLive)
            {
                return settings.OAuthClient?.ClientId ?? "";
            }
            return deployments.FirstOrDefault(d => d.Name == deploymentName)?.OAuthClientId ?? live?.Oauth2ClientId ?? "";
        }

        /// <summary>
        /// The other deployments of the project whose client is not <paramref name="wanted"/>: the one each recorded, or
        /// for a deployment made before that was recorded, the client IAP has now (it was deployed with it).
        /// </summary>
        private List<(string Name, string ClientId)> OthersRelyingOnAnother(string wanted)
        {
            var current = live?.Enabled == true ? live.Oauth2ClientId ?? "" : null;
            return deployments
                .Where(d => d.Name != deploymentName)
                .Select(d => (d.Name, ClientId: d.OAuthClientId ?? current))
                .Where(d => d.ClientId != null && d.ClientId != wanted)
                .Select(d => (d.Name, d.ClientId!))
                .ToList();
        }

        private static string SharedClientConflict(string wanted, List<(string Name, string ClientId)> others)
        {
            var relied = string.Join(", ", others.Select(o => $"deployment '{o.Name}' relies on {OAuthClientLabel.Describe(o.ClientId)}"));
            var theirs = others.Select(o => o.ClientId).Distinct().ToList();
            var keepOrAdd = theirs.Count > 1 ? "Add" : theirs[0].Length == 0
                ? "Deploy without -OAuthClientId to keep Google's managed client, or add"
                : $"Deploy with -OAuthClientId {theirs[0]} and its -OAuthClientSecret to keep that client, or add";
            return $"{relied}, and IAP's OAuth client belongs to the project's whole App Engine application: " +
                   $"{OAuthClientLabel.Describe(wanted)} here would change it for {Names(others)} too. {keepOrAdd} " +
                   $"-ChangeSharedOAuthClient to move the application to {OAuthClientLabel.Describe(wanted)}, then run " +
                   $"New-MlflowDeployment for {Names(others)} with the same setting.";
        }

        private static string Names(IEnumerable<(string Name, string ClientId)> deployments) =>
            string.Join(", ", deployments.Select(d => $"'{d.Name}'"));

        private static IReadOnlyDictionary<string, string> Details(string clientId) => new Dictionary<string, string>
        {
            ["iap.enabled"] = "true",
            ["iap.oauth2ClientId"] = clientId.Length == 0 ? Deployment.OAuthClient.GoogleManaged : clientId,
        };
    }
}
