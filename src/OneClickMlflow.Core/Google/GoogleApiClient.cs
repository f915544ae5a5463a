using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>The base of every typed client: one API's base URL on the shared pipeline.</summary>
    public abstract class GoogleApiClient
    {
        protected GoogleApiClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, GoogleApi api)
        {
            Pipeline = pipeline;
            Endpoints = endpoints;
            Api = api;
            BaseUri = endpoints.BaseOf(api);
        }

        protected GoogleHttpPipeline Pipeline { get; }

        protected ApiEndpoints Endpoints { get; }

        protected GoogleApi Api { get; }

        /// <summary>Root plus base path, e.g. https://serviceusage.googleapis.com/v1/.</summary>
        public Uri BaseUri { get; }

        /// <summary>A URI under the base path; <paramref name="relativePath"/> must already be escaped.</summary>
        protected Uri UriFor(string relativePath) => new Uri(BaseUri, relativePath.TrimStart('/'));

        protected Task<T> GetAsync<T>(string relativePath, CancellationToken cancellationToken) =>
            Pipeline.SendAsync<T>(new GoogleRequest(Api, HttpMethod.Get, UriFor(relativePath)), cancellationToken);

        /// <summary>GET that answers null for 404: how a resource learns that something does not exist yet.</summary>
        protected async Task<T?> GetOrNullAsync<T>(string relativePath, CancellationToken cancellationToken) where T : class
        {
            try
            {
                return await GetAsync<T>(relativePath, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }

        protected Task<T> SendAsync<T>(HttpMethod method, string relativePath, object? body, RequestRetry retry, CancellationToken cancellationToken) =>
            Pipeline.SendAsync<T>(new GoogleRequest(Api, method, UriFor(relativePath), body, retry), cancellationToken);

        protected static string Escape(string segment) => Uri.EscapeDataString(segment);
    }
}
