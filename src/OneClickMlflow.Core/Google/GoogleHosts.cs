using System;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// Google's own hosts: the APIs (*.googleapis.com), the registries (*.pkg.dev, gcr.io), sign-in and tokeninfo
    /// (*.google.com) and App Engine's serving hosts (*.appspot.com). A session whose endpoints are overridden to
    /// other hosts (an emulator, a test double) must reach none of them: whatever would go there goes nowhere instead.
    /// </summary>
    public static class GoogleHosts
    {
        private static readonly string[] Domains = { "googleapis.com", "pkg.dev", "gcr.io", "google.com", "appspot.com" };

        /// <summary>Whether <paramref name="host"/> (a host name, with or without :port) is one of Google's.</summary>
        public static bool IsGoogle(string host)
        {
            var name = host.Split(':')[0].TrimEnd('.').ToLowerInvariant();
            foreach (var domain in Domains)
            {
                if (name == domain || name.EndsWith("." + domain, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
