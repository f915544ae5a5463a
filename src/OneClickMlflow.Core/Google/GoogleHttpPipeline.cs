using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// The single HTTP path of every Google API call: bearer token, user agent, retries of transient failures for
    /// requests that are safe to repeat, Google errors as <see cref="GoogleCloudApiException"/>, and a debug log that
    /// never holds tokens or bodies. Writes that must not be sent twice blindly are retried one level up, as a whole
    /// read-decide-write cycle (<see cref="RetryCycleAsync{T}"/>), on the same schedule and Retry-After.
    /// </summary>
    public sealed class GoogleHttpPipeline : IDisposable
    {
        private static readonly HashSet<int> TransientStatuses = new HashSet<int> { 429, 500, 502, 503, 504 };
        private static readonly string[] SecretQueryNames = { "access_token", "key", "token", "password", "signature" };

        private readonly HttpClient http;
        private readonly ITokenAccess? tokenAccess;
        private readonly string userAgent;
        private readonly RetrySettings settings;
        private readonly ResiliencePipeline<HttpResponseMessage> retrying;
        private readonly ResiliencePipeline<HttpResponseMessage> once;
        private readonly ResiliencePipeline cycles;
        private static readonly ResiliencePropertyKey<Func<Exception, bool>> RetryAlsoKey = new ResiliencePropertyKey<Func<Exception, bool>>("retryAlso");

        /// <param name="tokenAccess">Null sends no Authorization header.</param>
        /// <param name="handler">The innermost handler (a default one when null).</param>
        public GoogleHttpPipeline(ITokenAccess? tokenAccess, string userAgent, RetrySettings? settings = null, HttpMessageHandler? handler = null)
        {
            this.tokenAccess = tokenAccess;
            this.userAgent = userAgent;
            this.settings = settings ?? new RetrySettings();
            http = new HttpClient(handler ?? new HttpClientHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            retrying = BuildPipeline(retry: true);
            once = BuildPipeline(retry: false);
            cycles = BuildCyclePipeline();
        }

        /// <summary>The project billed for quota, sent as x-goog-user-project with every call; null sends none.</summary>
        public string? QuotaProject { get; set; }

        /// <summary>Debug lines: method, URL without secrets, status, duration and attempt. Raised on the calling thread pool: handlers must be thread-safe.</summary>
        public event Action<string>? Log;

        /// <summary>Sends the request and returns the response body (empty for 204).</summary>
        public async Task<string> SendAsync(GoogleRequest request, CancellationToken cancellationToken)
        {
            var safeUri = SafeUri(request.Uri);
            var body = SerializeBody(request.Body);
            var pipeline = request.IsRetryable ? retrying : once;
            var attempt = 0;
            HttpResponseMessage response;
            try
            {
                response = await pipeline.ExecuteAsync(async token =>
                {
                    attempt++;
                    return await SendOnceAsync(request, body, safeUri, attempt, token).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenEndpointBusyException e)
            {
                throw new GoogleCloudApiException(e.Status, e.Status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", "tokenEndpointBusy",
                    $"Could not get an access token ({attempt} attempts): {e.InnerException?.Message}",
                    request.Api.OverrideName, request.Method.Method, safeUri, e.InnerException);
            }
            catch (TimeoutRejectedException e)
            {
                throw new GoogleCloudApiException(0, "DEADLINE_EXCEEDED", "timeout",
                    $"No answer from {request.Api.Host} within {settings.TotalTimeout.TotalSeconds:0} s ({attempt} attempts).",
                    request.Api.OverrideName, request.Method.Method, safeUri, e);
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
            {
                throw new GoogleCloudApiException(0, "UNAVAILABLE", "connectionFailed",
                    $"Could not reach {request.Uri.Host}:{request.Uri.Port} ({attempt} attempts): {e.Message}",
                    request.Api.OverrideName, request.Method.Method, safeUri, e);
            }
            using (response)
            {
                var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var error = GoogleErrorParser.Parse((int)response.StatusCode, response.ReasonPhrase, text, request, safeUri);
                    error.RetryAfter = RetryAfter(response);
                    throw error;
                }
                return text;
            }
        }

        /// <summary>Sends the request and deserializes the answer.</summary>
        public async Task<T> SendAsync<T>(GoogleRequest request, CancellationToken cancellationToken)
        {
            var text = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                text = "{}";
            }
            return JsonSerializer.Deserialize<T>(text, GoogleJson.Options)!;
        }

        /// <summary>
        /// Runs a read-decide-write cycle again from its start after a transient failure of any call in it (429, 5xx,
        /// no answer, an attempt timeout) or one <paramref name="retryAlso"/> accepts (a stale etag, "already exists"),
        /// waiting as single requests do and at least the server's Retry-After (bounded by the longest backoff). This
        /// is how writes sent once (<see cref="RequestRetry.Never"/>) are retried: every resend follows a fresh read.
        /// When the attempts run out, the last failure is thrown.
        /// </summary>
        public async Task<T> RetryCycleAsync<T>(Func<CancellationToken, Task<T>> cycle, Func<Exception, bool>? retryAlso,
            CancellationToken cancellationToken)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(RetryAlsoKey, retryAlso ?? (_ => false));
            try
            {
                return await cycles.ExecuteAsync(async c => await cycle(c.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        public void Dispose() => http.Dispose();

        private async Task<HttpResponseMessage> SendOnceAsync(GoogleRequest request, string? body, string safeUri, int attempt,
            CancellationToken cancellationToken)
        {
            using var message = new HttpRequestMessage(request.Method, request.Uri);
            message.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            if (!string.IsNullOrEmpty(QuotaProject))
            {
                message.Headers.TryAddWithoutValidation("x-goog-user-project", QuotaProject);
            }
            if (tokenAccess != null)
            {
                string token;
                try
                {
                    token = await tokenAccess.GetAccessTokenForRequestAsync(request.Uri.ToString(), cancellationToken).ConfigureAwait(false);
                }
                catch (TokenResponseException e) when (e.StatusCode.HasValue && TransientStatuses.Contains((int)e.StatusCode.Value))
                {
                    Log?.Invoke($"{request.Method.Method} {safeUri} -> token endpoint {(int)e.StatusCode.Value}, not sent (attempt {attempt})");
                    throw new TokenEndpointBusyException((int)e.StatusCode.Value, e);
                }
                catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
                {
                    Log?.Invoke($"{request.Method.Method} {safeUri} -> token endpoint {e.GetType().Name}, not sent (attempt {attempt})");
                    throw new TokenEndpointBusyException(0, e);
                }
                catch (TokenResponseException e)
                {
                    throw new GoogleCloudApiException(401, "UNAUTHENTICATED", e.Error?.Error,
                        "Could not get an access token: " + (e.Error?.ErrorDescription ?? e.Error?.Error ?? "token endpoint refused"),
                        request.Api.OverrideName, request.Method.Method, safeUri);
                }
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            if (body != null)
            {
                message.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            var stopwatch = Stopwatch.StartNew();
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(settings.AttemptTimeout);
            try
            {
                var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
                Log?.Invoke($"{request.Method.Method} {safeUri} -> {(int)response.StatusCode} in {stopwatch.ElapsedMilliseconds} ms (attempt {attempt})");
                return response;
            }
            catch (Exception e) when (!(e is GoogleCloudApiException))
            {
                Log?.Invoke($"{request.Method.Method} {safeUri} -> {e.GetType().Name} in {stopwatch.ElapsedMilliseconds} ms (attempt {attempt})");
                if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    throw new HttpRequestException("The attempt timed out.", e);
                }
                throw;
            }
        }

        /// <summary>
        /// Requests safe to repeat are retried after any transient failure; the others only when they were never sent
        /// (the token endpoint was busy), since then the API cannot have acted on them.
        /// </summary>
        private ResiliencePipeline<HttpResponseMessage> BuildPipeline(bool retry)
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
            builder.AddTimeout(settings.TotalTimeout);
            if (settings.MaxAttempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = settings.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.BaseDelay,
                    MaxDelay = settings.MaxDelay,
                    ShouldHandle = args => new ValueTask<bool>(
                        args.Outcome.Exception is TokenEndpointBusyException
                        || (retry && (args.Outcome.Result != null
                            ? TransientStatuses.Contains((int)args.Outcome.Result.StatusCode)
                            : IsConnectionFailure(args.Outcome.Exception, args.Context.CancellationToken)))),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                    OnRetry = args =>
                    {
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                });
            }
            return builder.Build();
        }

        /// <summary>Whole read-decide-write cycles, on the single requests' schedule (no overall timeout: a cycle may wait for an operation).</summary>
        private ResiliencePipeline BuildCyclePipeline()
        {
            var builder = new ResiliencePipelineBuilder();
            if (settings.MaxAttempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = settings.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.BaseDelay,
                    MaxDelay = settings.MaxDelay,
                    ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is Exception e
                        && !args.Context.CancellationToken.IsCancellationRequested
                        && ((e is GoogleCloudApiException google && google.IsTransient) || args.Context.Properties.GetValue(RetryAlsoKey, _ => false)(e))),
                    DelayGenerator = args => new ValueTask<TimeSpan?>((args.Outcome.Exception as GoogleCloudApiException)?.RetryAfter),
                    OnRetry = args =>
                    {
                        var cause = args.Outcome.Exception is GoogleCloudApiException google
                            ? $"{google.Method} {google.Uri} -> {google.HttpStatus} {google.Status}"
                            : args.Outcome.Exception?.GetType().Name;
                        Log?.Invoke($"{cause}: read again and retry in {args.RetryDelay.TotalMilliseconds:0} ms (cycle {args.AttemptNumber + 2})");
                        return default;
                    },
                });
            }
            return builder.Build();
        }

        /// <summary>The server's Retry-After (seconds or a date), bounded by the longest backoff delay.</summary>
        private TimeSpan? RetryAfter(HttpResponseMessage? response)
        {
            var header = response?.Headers.RetryAfter;
            if (header == null)
            {
                return null;
            }
            var delay = header.Delta ?? (header.Date.HasValue ? header.Date.Value - DateTimeOffset.UtcNow : (TimeSpan?)null);
            if (delay == null)
            {
                return null;
            }
            if (delay < TimeSpan.Zero)
            {
                return TimeSpan.Zero;
            }
            return delay > settings.MaxDelay ? settings.MaxDelay : delay;
        }

        private static bool IsConnectionFailure(Exception? exception, CancellationToken callerToken) =>
            exception is HttpRequestException || exception is IOException ||
            (exception is OperationCanceledException && !callerToken.IsCancellationRequested && !(exception is TimeoutRejectedException));

        /// <summary>The token endpoint answered 429 or 5xx, or not at all: the API request was not sent.</summary>
        private sealed class TokenEndpointBusyException : Exception
        {
            public TokenEndpointBusyException(int status, Exception inner)
                : base("The token endpoint is busy.", inner)
            {
                Status = status;
            }

            public int Status { get; }
        }

        private static string? SerializeBody(object? body) => body switch
        {
            null => null,
            string text => text,
            _ => JsonSerializer.Serialize(body, body.GetType(), GoogleJson.Options),
        };

        /// <summary>The URI with the values of secret-bearing query parameters removed.</summary>
        public static string SafeUri(Uri uri)
        {
            if (string.IsNullOrEmpty(uri.Query))
            {
                return uri.ToString();
            }
            var parts = uri.Query.TrimStart('?').Split('&').Select(part =>
            {
                var name = part.Split('=')[0];
                return SecretQueryNames.Contains(Uri.UnescapeDataString(name), StringComparer.OrdinalIgnoreCase) ? name + "=REDACTED" : part;
            });
            return uri.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", parts);
        }
    }
}
