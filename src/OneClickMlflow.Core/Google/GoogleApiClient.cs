using System;
using System.Collections.Generic;
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

        /// <summary>The shared pipeline: resources run their read-before-resend cycles on it (<see cref="GoogleHttpPipeline.RetryCycleAsync{T}"/>).</summary>
        public GoogleHttpPipeline Pipeline { get; }

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
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }

        /// <summary>
        /// Every item of a paged list: GETs <paramref name="path"/> with the previous page's nextPageToken appended
        /// (as <c>pageToken</c>) until a page has none.
        /// </summary>
        protected async Task<List<TItem>> ListAllAsync<TPage, TItem>(string path, Func<TPage, IEnumerable<TItem>?> items,
            Func<TPage, string?> nextPageToken, CancellationToken cancellationToken)
        {
            var all = new List<TItem>();
            var separator = path.IndexOf('?') < 0 ? "?" : "&";
            string? pageToken = null;
            do
            {
                var page = await GetAsync<TPage>(pageToken == null ? path : path + separator + "pageToken=" + Escape(pageToken), cancellationToken)
                    .ConfigureAwait(false);
                all.AddRange(items(page) ?? Array.Empty<TItem>());
                var next = nextPageToken(page);
                pageToken = string.IsNullOrEmpty(next) ? null : next;
            }
            while (pageToken != null);
            return all;
        }

        protected Task<T> SendAsync<T>(HttpMethod method, string relativePath, object? body, RequestRetry retry, CancellationToken cancellationToken) =>
            Pipeline.SendAsync<T>(new GoogleRequest(Api, method, UriFor(relativePath), body, retry), cancellationToken);

        protected static string Escape(string segment) => Uri.EscapeDataString(segment);
    }
}
