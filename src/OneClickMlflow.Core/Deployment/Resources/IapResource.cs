using System.Collections.Generic;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// IAP on the App Engine application, with Google's managed OAuth client or the user's own. The secret of a
    /// custom client is compared through its sha256 and sent only in the request that sets it; it never appears in
    /// a plan. It comes before the server version, so nothing is ever served without IAP.
    /// </summary>
    public sealed class IapResource : Resource
    {
        private readonly AppEngineClient appEngine;
        private readonly AppEngineAppResource app;
        private readonly ServerSettings settings;
        private IdentityAwareProxy? live;

        public IapResource(AppEngineClient appEngine, AppEngineAppResource app, ServerSettings settings)
            : base("iap", "Identity-Aware Proxy", "apps/" + app.Name, app)
        {
            this.appEngine = appEngine;
            this.app = app;
            this.settings = settings;
        }

        public bool Enabled => live?.Enabled == true;

        /// <summary>The OAuth client IAP uses: "Google-managed" or the custom client id.</summary>
        public string OAuthClient => string.IsNullOrEmpty(live?.Oauth2ClientId) ? Deployment.OAuthClient.GoogleManaged : live!.Oauth2ClientId!;

        protected override bool Exists => Enabled;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            update: new[] { "appengine.applications.update", "appengine.operations.get" });

        public override async Task ObserveAsync(System.Threading.CancellationToken cancellationToken)
        {
            // The application's read carries its IAP settings.
            await app.ObservedAsync(cancellationToken).ConfigureAwait(false);
            live = app.Live?.Iap;
        }

        public override PlannedChange Plan()
        {
            var wantedClient = WantedClientId();
            if (live?.Enabled != true)
            {
                return Update("IAP is off", Details(wantedClient));
            }
            var liveClient = live.Oauth2ClientId ?? "";
            if (liveClient != wantedClient)
            {
                return Update($"IAP uses {Describe(liveClient)}, want {Describe(wantedClient)}", Details(wantedClient));
            }
            if (settings.OAuthClient != null && live.Oauth2ClientSecretSha256 != settings.OAuthClient.SecretSha256())
            {
                return Update("the OAuth client's secret differs", Details(wantedClient));
            }
            return Unchanged($"on, with {Describe(liveClient)}");
        }

        public override PlannedChange PlanRemoval() =>
            Unchanged(Enabled ? "kept: IAP stays on the App Engine application, which is never deleted" : "IAP is off");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var client = settings.FollowLive ? null : settings.OAuthClient;
            var iap = client == null
                ? new IdentityAwareProxy { Enabled = true, Oauth2ClientId = WantedClientId(), Oauth2ClientSecret = "" }
                : client.WithSecret(secret => new IdentityAwareProxy { Enabled = true, Oauth2ClientId = client.ClientId, Oauth2ClientSecret = secret });
            await appEngine.UpdateIapAsync(app.Name, iap, context.CancellationToken).ConfigureAwait(false);
            live = new IdentityAwareProxy { Enabled = true, Oauth2ClientId = iap.Oauth2ClientId };
        }

        /// <summary>Empty for Google's managed client; Get-MlflowDeployment wants whichever client is set.</summary>
        private string WantedClientId() =>
            settings.FollowLive ? live?.Oauth2ClientId ?? "" : settings.OAuthClient?.ClientId ?? "";

        private static string Describe(string clientId) =>
            clientId.Length == 0 ? "Google's managed OAuth client" : $"OAuth client {clientId}";

        private static IReadOnlyDictionary<string, string> Details(string clientId) => new Dictionary<string, string>
        {
            ["iap.enabled"] = "true",
            ["iap.oauth2ClientId"] = clientId.Length == 0 ? Deployment.OAuthClient.GoogleManaged : clientId,
        };
    }
}
