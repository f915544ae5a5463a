using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// Who the calls really run as, as an IAM member: the key's account, the impersonated account, or (for user,
    /// federated and metadata credentials, where only Google knows) the email tokeninfo reports for the access token.
    /// gcloud's core/account names whoever last logged in to gcloud, not necessarily the application default credential.
    /// </summary>
    public static class CallerIdentity
    {
        /// <summary>"serviceAccount:EMAIL" or "user:EMAIL", or null when Google does not say.</summary>
        public static async Task<string?> MemberAsync(GoogleCredential credential, GcloudConfiguration configuration, CancellationToken cancellationToken)
        {
            switch (credential.UnderlyingCredential)
            {
                case ServiceAccountCredential key:
                    return "serviceAccount:" + key.Id;
                case ImpersonatedCredential impersonated:
                    return "serviceAccount:" + impersonated.TargetPrincipal;
            }
            var tokenInfo = TokenInfoUri(configuration);
            if (tokenInfo == null)
            {
                return null;
            }
            ITokenAccess tokens = credential;
            var token = await tokens.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
            using var http = new HttpClient();
            using var content = new FormUrlEncodedContent(new[] { new KeyValuePair<string, string>("access_token", token) });
            using var response = await http.PostAsync(tokenInfo, content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            if (!answer.RootElement.TryGetProperty("email", out var email) || email.GetString() is not { Length: > 0 } address)
            {
                return null;
            }
            return (address.EndsWith(".gserviceaccount.com", StringComparison.OrdinalIgnoreCase) ? "serviceAccount:" : "user:") + address;
        }

        /// <summary>
        /// tokeninfo next to gcloud's auth/token_host (its /token replaced), else Google's; none when the API endpoints
        /// are overridden away from Google without a token host (Google's tokeninfo would not know that token).
        /// </summary>
        private static Uri? TokenInfoUri(GcloudConfiguration configuration)
        {
            var tokenHost = configuration.Get("auth", "token_host");
            if (tokenHost != null && tokenHost.EndsWith("/token", StringComparison.Ordinal))
            {
                return new Uri(tokenHost.Substring(0, tokenHost.Length - "token".Length) + "tokeninfo");
            }
            return ApiEndpoints.FromConfiguration(configuration).AnyRedirectedAwayFromGoogle ? null : new Uri("https://oauth2.googleapis.com/tokeninfo");
        }
    }
}
