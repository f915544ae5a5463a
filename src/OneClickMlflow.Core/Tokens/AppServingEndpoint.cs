using System;

namespace OneClickMlflow.Tokens
{
    /// <summary>
    /// Where an App Engine app's host name is reached, and the audience IAP expects of a token for it. Normally
    /// <c>https://{host}/</c> and <c>https://{host}/*</c>. The environment variable
    /// <see cref="OverrideVariable"/> (a URL ending in <c>/</c>) sends every app host to <c>{override}{host}/</c>
    /// instead, the way gcloud's endpoint overrides send API calls to another root; a local stand-in of IAP is reached
    /// this way.
    /// </summary>
    public static class AppServingEndpoint
    {
        public const string OverrideVariable = "ONECLICKMLFLOW_APPSPOT_ENDPOINT_OVERRIDE";

        /// <summary>The tracking URL of the app served at <paramref name="host"/>.</summary>
        public static Uri TrackingUriFor(string host) => TrackingUriFor(host, ConfiguredOverride);

        internal static Uri TrackingUriFor(string host, string? overrideValue)
        {
            var root = OverrideRoot(overrideValue);
            return root == null ? new Uri("https://" + host + "/") : new Uri(root, host + "/");
        }

        /// <summary>
        /// The <c>aud</c> IAP checks: the served URL with a <c>/*</c> wildcard. For Google that is the origin; under
        /// an override, the app's own prefix, so that a token for one app does not open another.
        /// </summary>
        public static string IapAudienceOf(Uri trackingUri) => IapAudienceOf(trackingUri, ConfiguredOverride);

        internal static string IapAudienceOf(Uri trackingUri, string? overrideValue)
        {
            var root = OverrideRoot(overrideValue);
            if (root != null && root.IsBaseOf(trackingUri))
            {
                var host = root.MakeRelativeUri(trackingUri).OriginalString.Split('/')[0];
                if (host.Length > 0)
                {
                    return new Uri(root, host).AbsoluteUri + "/*";
                }
            }
            return trackingUri.GetLeftPart(UriPartial.Authority) + "/*";
        }

        private static string? ConfiguredOverride => Environment.GetEnvironmentVariable(OverrideVariable);

        private static Uri? OverrideRoot(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }
            value = value!.Trim();
            return Uri.TryCreate(value.EndsWith("/", StringComparison.Ordinal) ? value : value + "/", UriKind.Absolute, out var root)
                ? root
                : throw new InvalidOperationException($"{OverrideVariable} must be an absolute URL; it is '{value}'.");
        }
    }
}
