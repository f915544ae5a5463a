using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Creates a resource with a deterministic name without ever re-sending a create blindly: it reads first, creates
    /// only when the read finds nothing, and after a transient failure (429, 5xx, no answer) or a conflict starts
    /// again from a read, on the pipeline's cycle schedule (<see cref="GoogleHttpPipeline.RetryCycleAsync{T}"/>, which
    /// honours Retry-After). A create that was answered with success is never sent again.
    /// </summary>
    internal static class CreateOnce
    {
        /// <summary>Attempts of the database password flow's own loop (<see cref="DatabaseUserResource"/>).</summary>
        public const int MaxAttempts = 8;

        /// <summary>Returns the resource as read after it exists (made now, or found made by an earlier attempt).</summary>
        /// <param name="what">The resource as an error names it, e.g. "Storage bucket 'b'".</param>
        public static async Task<T> EnsureAsync<T>(GoogleApiClient client, string what, Func<CancellationToken, Task<T?>> read,
            Func<CancellationToken, Task> create, CancellationToken cancellationToken) where T : class
        {
            var created = false;
            var sent = 0;
            Exception? createFailure = null;
            try
            {
                return await client.Pipeline.RetryCycleAsync(async ct =>
                {
                    createFailure = null;
                    var existing = await read(ct).ConfigureAwait(false);
                    if (existing != null)
                    {
                        return existing;
                    }
                    if (!created)
                    {
                        sent++;
                        try
                        {
                            await create(ct).ConfigureAwait(false);
                        }
                        catch (GoogleCloudApiException e) when (IsTheCreate(e))
                        {
                            createFailure = e;
                            throw;
                        }
                        created = true;
                    }
                    return await read(ct).ConfigureAwait(false) ?? throw new NotReadableYetException();
                }, e => e is NotReadableYetException || IsWorthReReading(e), cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e == createFailure && e.IsTransient)
            {
                throw NotCreated(what, e, sent);
            }
            catch (NotReadableYetException)
            {
                throw NotVisible(what);
            }
        }

        /// <summary>A failure of the create request itself, not of a read of its operation.</summary>
        public static bool IsTheCreate(GoogleCloudApiException error) => error.Method != "GET";

        /// <summary>A failure after which the state is unknown or already changed: transient, or "already exists" (409, or code 6 in an operation).</summary>
        public static bool IsWorthReReading(Exception error) => error switch
        {
            GoogleCloudApiException google => google.IsTransient || google.IsAlreadyExists,
            OperationFailedException operation => operation.Code == 409 || operation.Code == 6 || operation.Code == 9 || operation.Code >= 500,
            _ => false,
        };

        /// <summary>
        /// The last create failed transiently and a read before it found nothing. 429 and 503 mean Google did not act
        /// on it; after no answer (or 500, 502, 504) it may have.
        /// </summary>
        public static Exception NotCreated(string what, GoogleCloudApiException last, int attempts)
        {
            var host = GoogleApis.All.FirstOrDefault(api => api.OverrideName == last.Api)?.Host ?? "Google";
            var tries = attempts == 1 ? "1 attempt was" : $"{attempts} attempts were";
            return last.HttpStatus == 429 || last.HttpStatus == 503
                ? new InvalidOperationException($"The request to create {what} did not reach {host}: {tries} refused " +
                                                $"(last: HTTP {last.HttpStatus} {last.Status}: {last.Message}); nothing was created. " +
                                                "Run the command again in a few minutes.", last)
                : new InvalidOperationException($"The request to create {what} got no usable answer from {host} ({tries} made; " +
                                                $"last: {last.Message}); it may have been created. Run the command again: it reads before it creates.", last);
        }

        /// <summary>A create that reported success yet cannot be read back after every attempt.</summary>
        public static Exception NotVisible(string what) => new InvalidOperationException(
            $"{what} was created but cannot be read back after repeated reads; run the command again in a minute.");

        /// <summary>The pause of the database password flow's own loop and of waits for a state (not a retry of a failed call).</summary>
        public static Task BackoffAsync(int attempt, CancellationToken cancellationToken) =>
            Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempt - 1), 5000)), cancellationToken);

        /// <summary>The create was answered with success, and the read after it found nothing yet.</summary>
        private sealed class NotReadableYetException : Exception
        {
        }
    }
}
