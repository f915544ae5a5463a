using System;
using System.Net.Http;

namespace OneClickMlflow.Google
{
    /// <summary>Whether a request may be sent again after a transient failure.</summary>
    public enum RequestRetry
    {
        /// <summary>GET, HEAD, PUT and DELETE are retried; POST and PATCH are not.</summary>
        ByMethod,

        /// <summary>Safe to repeat: read-only POSTs (getIamPolicy, testIamPermissions, signJwt) and creates with an idempotency key.</summary>
        Safe,

        /// <summary>Sent once: a transient failure surfaces to the caller, which re-reads and decides.</summary>
        Never,
    }

    /// <summary>One call to a Google API through the shared pipeline.</summary>
    public sealed class GoogleRequest
    {
        public GoogleRequest(GoogleApi api, HttpMethod method, Uri uri, object? body = null, RequestRetry retry = RequestRetry.ByMethod)
        {
            Api = api;
            Method = method;
            Uri = uri;
            Body = body;
            Retry = retry;
        }

        public GoogleApi Api { get; }

        public HttpMethod Method { get; }

        public Uri Uri { get; }

        /// <summary>Serialized with <see cref="GoogleJson.Options"/>; a string is sent as it is.</summary>
        public object? Body { get; }

        public RequestRetry Retry { get; }

        public static readonly HttpMethod Patch = new HttpMethod("PATCH");

        internal bool IsRetryable
        {
            get
            {
                switch (Retry)
                {
                    case RequestRetry.Safe:
                        return true;
                    case RequestRetry.Never:
                        return false;
                    default:
                        return Method == HttpMethod.Get || Method == HttpMethod.Head || Method == HttpMethod.Put || Method == HttpMethod.Delete;
                }
            }
        }
    }

    /// <summary>Bounds of the retry schedule: exponential backoff with jitter, limited in attempts and in total time.</summary>
    public sealed class RetrySettings
    {
        public int MaxAttempts { get; set; } = 6;

        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

        /// <summary>Each attempt's own limit.</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
    }
}
