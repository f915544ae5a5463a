using System;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.Tokens
{
    /// <summary>Get-MlflowTrackingToken's parameters, checked whole before any request (see <see cref="ParameterChecks"/>).</summary>
    public static class TrackingTokenInputs
    {
        /// <summary>An absolute http(s) URL of the tracking server: its host is the token's audience.</summary>
        public static Uri ValidateTrackingUri(Uri? trackingUri)
        {
            if (trackingUri == null)
            {
                throw new InvalidDeploymentInputException("TrackingUri", "$null was given. Pass the server's URL, or leave -TrackingUri out to find it from the deployment.");
            }
            if (!trackingUri.IsAbsoluteUri || (trackingUri.Scheme != Uri.UriSchemeHttps && trackingUri.Scheme != Uri.UriSchemeHttp)
                || trackingUri.Host.Length == 0)
            {
                throw new InvalidDeploymentInputException("TrackingUri",
                    $"'{ParameterChecks.Shown(trackingUri.OriginalString)}' is not the URL of a tracking server: give it whole, e.g. https://my-project.ew.r.appspot.com.");
            }
            return trackingUri;
        }

        /// <summary>An OAuth client id (NUMBER-ID.apps.googleusercontent.com), the audience of an ID token.</summary>
        public static string? ValidateAudience(string? audience)
        {
            if (audience == null)
            {
                return null;
            }
            var value = ParameterChecks.Exact("Audience", audience);
            return OAuthClientLabel.IsClientId(value) ? value : throw new InvalidDeploymentInputException("Audience",
                $"'{ParameterChecks.Shown(value)}' is not an OAuth client id: give the IAP client's id, NUMBER-ID.apps.googleusercontent.com.");
        }
    }
}
