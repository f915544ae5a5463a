using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// The little of the Registry v2 API the publisher needs: does a tag exist, and its manifest digest. Follows the
    /// registry's Bearer challenge to its token service with Artifact Registry's credentials (user
    /// <see cref="UserName"/>, a Google access token as password). Loopback registries are spoken to over http,
    /// as Docker does; every other host over https.
    /// </summary>
    public sealed class RegistryClient
    {
        public const string UserName = "oauth2accesstoken";

        private static readonly string[] ManifestTypes =
        {
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
        };

        private static readonly Regex ChallengeParameter = new Regex("(\\w+)=\"([^\"]*)\"", RegexOptions.Compiled);

        private readonly HttpClient http;
        private readonly Func<CancellationToken, Task<string>> accessToken;

        public RegistryClient(HttpClient http, Func<CancellationToken, Task<string>> accessToken)
        {
            this.http = http;
            this.accessToken = accessToken;
        }

        public static string Scheme(string registryHost)
        {
            var host = registryHost.Split(':')[0];
            var loopback = host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
            return loopback ? "http" : "https";
        }

        /// <summary>The digest of <paramref name="name"/>:<paramref name="tag"/>, or null when the registry has no such tag.</summary>
        public async Task<string?> ManifestDigestAsync(string registryHost, string name, string tag, CancellationToken cancellationToken)
        {
            var uri = new Uri($"{Scheme(registryHost)}://{registryHost}/v2/{name}/manifests/{tag}");
            using var anonymous = await HeadManifestAsync(uri, null, cancellationToken).ConfigureAwait(false);
            var response = anonymous;
            HttpResponseMessage? authorized = null;
            try
            {
                if (anonymous.StatusCode == HttpStatusCode.Unauthorized)
                {
                    var token = await RegistryTokenAsync(anonymous, name, cancellationToken).ConfigureAwait(false);
                    authorized = await HeadManifestAsync(uri, token, cancellationToken).ConfigureAwait(false);
                    response = authorized;
                }
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw Failure((int)response.StatusCode, $"The registry answered HEAD {uri} with {(int)response.StatusCode} {response.ReasonPhrase}.");
                }
                return response.Headers.TryGetValues("Docker-Content-Digest", out var digests)
                    ? digests.First()
                    : throw Failure((int)response.StatusCode, $"The registry answered HEAD {uri} without a Docker-Content-Digest header.");
            }
            finally
            {
                authorized?.Dispose();
            }
        }

        private async Task<HttpResponseMessage> HeadManifestAsync(Uri uri, string? bearer, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, uri);
            foreach (var type in ManifestTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }
            if (bearer != null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }
            try
            {
                return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw Failure(0, $"Cannot reach the registry at {uri.GetLeftPart(UriPartial.Authority)}: {e.GetBaseException().Message}", e);
            }
        }

        private async Task<string> RegistryTokenAsync(HttpResponseMessage challenge, string name, CancellationToken cancellationToken)
        {
            var bearer = challenge.Headers.WwwAuthenticate.FirstOrDefault(h => string.Equals(h.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase));
            var parameters = ChallengeParameter.Matches(bearer?.Parameter ?? "").Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.OrdinalIgnoreCase);
            if (!parameters.TryGetValue("realm", out var realm))
            {
                throw Failure(401, "The registry asks for credentials but names no token service (no Bearer realm in WWW-Authenticate).");
            }
            var scope = parameters.TryGetValue("scope", out var asked) ? asked : $"repository:{name}:pull";
            var query = new List<string> { "scope=" + Uri.EscapeDataString(scope) };
            if (parameters.TryGetValue("service", out var service))
            {
                query.Insert(0, "service=" + Uri.EscapeDataString(service));
            }
            var tokenUri = new Uri(realm + (realm.Contains("?") ? "&" : "?") + string.Join("&", query));
            var password = await accessToken(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(UserName + ":" + password)));
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure((int)response.StatusCode,
                    $"The registry's token service refused access to {name} ({(int)response.StatusCode}): {RegistryErrors.Message(body)}");
            }
            using var json = JsonDocument.Parse(body);
            foreach (var property in new[] { "token", "access_token" })
            {
                if (json.RootElement.TryGetProperty(property, out var value) && value.GetString() is string token && token.Length > 0)
                {
                    return token;
                }
            }
            throw Failure((int)response.StatusCode, "The registry's token service answered without a token.");
        }

        private static ImagePublishException Failure(int status, string message, Exception? inner = null) =>
            new ImagePublishException(ImagePublishStage.Registry, message, inner) { HttpStatus = status };
    }
}
