using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Creates a resource without ever re-sending a create blindly: it reads first, creates only when the read
    /// finds nothing, and after a transient failure or a conflict reads again before deciding anything else.
    /// </summary>
    internal static class CreateOnce
    {
        public const int MaxAttempts = 8;

        /// <summary>Returns the resource as read after it exists (made now, or found made by an earlier attempt).</summary>
        public static async Task<T> EnsureAsync<T>(Func<CancellationToken, Task<T?>> read, Func<CancellationToken, Task> create,
            CancellationToken cancellationToken) where T : class
        {
            for (var attempt = 1; ; attempt++)
            {
                var existing = await read(cancellationToken).ConfigureAwait(false);
                if (existing != null)
                {
                    return existing;
                }

                if (attempt > MaxAttempts)
                {
                    throw NotVisible("The resource");
                }

                try
                {
                    await create(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < MaxAttempts && IsWorthReReading(e))
                {
                    await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>A failure after which the state is unknown or already changed: transient, or "already exists" (409, or code 6 in an operation).</summary>
        public static bool IsWorthReReading(Exception error) => error switch
        {
            GoogleApiException google => google.IsTransient || google.IsAlreadyExists,
            OperationFailedException operation => operation.Code == 409 || operation.Code == 6 || operation.Code == 9 || operation.Code >= 500,
            _ => false,
        };

        /// <summary>A create that reported success yet cannot be read back after every attempt.</summary>
        public static Exception NotVisible(string what) => new InvalidOperationException(
            $"{what} was created but cannot be read back after {MaxAttempts} attempts; run the command again in a minute.");

        public static Task BackoffAsync(int attempt, CancellationToken cancellationToken) =>
            Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempt - 1), 5000)), cancellationToken);
    }
}
