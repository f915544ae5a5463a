using System;

namespace OneClickMlflow.Tokens
{
    /// <summary>Why no token could be issued.</summary>
    public enum TrackingTokenFailure
    {
        /// <summary>The caller may not sign as (or mint ID tokens for) the service account.</summary>
        PermissionDenied,

        /// <summary>The project has no App Engine application, so no tracking server to ask a token for.</summary>
        UnknownDeployment,

        /// <summary>Neither -ProjectId nor -TrackingUri says where the tracking server is.</summary>
        NoTrackingUri,
    }

    /// <summary>A token request that cannot succeed as asked; the message says what to grant or pass.</summary>
    public sealed class TrackingTokenException : Exception
    {
        public TrackingTokenException(TrackingTokenFailure failure, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            Failure = failure;
        }

        public TrackingTokenFailure Failure { get; }
    }
}
