using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Http;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// The HTTP client factory given to the credential library: requests to Google's token hosts go to their
    /// configured overrides (IAM Credentials and STS endpoint overrides, gcloud's auth/token_host for OAuth).
    /// </summary>
    internal sealed class AuthHttpClientFactory : HttpClientFactory
    {
        private readonly TokenHostRedirects redirects;

        public AuthHttpClientFactory(TokenHostRedirects redirects)
        {
            this.redirects = redirects;
        }

        protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
            new RedirectingHandler(redirects) { InnerHandler = base.CreateHandler(args) };

        private sealed class RedirectingHandler : DelegatingHandler
        {
            private readonly TokenHostRedirects redirects;

            public RedirectingHandler(TokenHostRedirects redirects)
            {
                this.redirects = redirects;
            }

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri != null)
                {
                    request.RequestUri = redirects.Apply(request.RequestUri);
                }
                return base.SendAsync(request, cancellationToken);
            }
        }
    }

    /// <summary>Where the credential library's calls to Google's token hosts are sent instead.</summary>
    internal sealed class TokenHostRedirects
    {
        private static readonly HashSet<string> OAuthTokenUrls = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "https://oauth2.googleapis.com/token",
            "https://www.googleapis.com/oauth2/v4/token",
            "https://accounts.google.com/o/oauth2/token",
        };

        private readonly Dictionary<string, Uri> rootsByHost = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        private readonly Uri? tokenHost;

        public TokenHostRedirects(ApiEndpoints endpoints, string? tokenHost)
        {
            foreach (var api in new[] { GoogleApis.IamCredentials, GoogleApis.Sts })
            {
                if (endpoints.IsOverridden(api))
                {
                    rootsByHost[api.Host] = endpoints.RootOf(api);
                }
            }
            this.tokenHost = tokenHost == null ? null : new Uri(tokenHost);
        }

        public Uri Apply(Uri uri)
        {
            if (tokenHost != null && OAuthTokenUrls.Contains(uri.GetLeftPart(UriPartial.Path)))
            {
                return tokenHost;
            }
            if (rootsByHost.TryGetValue(uri.Host, out var root) && uri.Scheme == Uri.UriSchemeHttps)
            {
                return new Uri(root, uri.PathAndQuery.TrimStart('/'));
            }
            return uri;
        }
    }
}
