using System;

namespace OneClickMlflow.Tokens
{
    /// <summary>What token to issue for which tracking server.</summary>
    public sealed class TrackingTokenRequest
    {
        public TrackingTokenRequest(Uri trackingUri, string serviceAccount)
        {
            TrackingUri = trackingUri;
            ServiceAccount = serviceAccount;
        }

        public Uri TrackingUri { get; }

        /// <summary>The account the token speaks for (the deployment's log pusher by default).</summary>
        public string ServiceAccount { get; }

        /// <summary>An OAuth client id: asks for an OIDC ID token for it instead of a self-signed JWT.</summary>
        public string? Audience { get; set; }

        /// <summary>Ignore a cached token and issue a new one.</summary>
        public bool Refresh { get; set; }

        /// <summary>"https://host/*": the audience of the self-signed JWT, covering every path of the server.</summary>
        public string JwtAudience => AppServingEndpoint.IapAudienceOf(TrackingUri);
    }
}
