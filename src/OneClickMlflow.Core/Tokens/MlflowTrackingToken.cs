using System;

namespace OneClickMlflow.Tokens
{
    /// <summary>What Get-MlflowTrackingToken returns: the token and where and for whom it is valid.</summary>
    public sealed class MlflowTrackingToken
    {
        public MlflowTrackingToken(string trackingUri, object token, DateTimeOffset expiresOn, string serviceAccount, string audience)
        {
            TrackingUri = trackingUri;
            Token = token;
            ExpiresOn = expiresOn;
            ServiceAccount = serviceAccount;
            Audience = audience;
        }

        /// <summary>The tracking server's URL (MLFLOW_TRACKING_URI).</summary>
        public string TrackingUri { get; }

        /// <summary>A SecureString, or a plain string when asked for (-AsPlainText).</summary>
        public object Token { get; }

        public DateTimeOffset ExpiresOn { get; }

        public string ServiceAccount { get; }

        public string Audience { get; }
    }
}
