using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The names of a project's deployments for tab completion: one bucket listing (the oneclick-mlflow labels,
    /// <see cref="DeploymentDiscovery"/>) within a short deadline, remembered for a minute. Never throws: no
    /// credentials, no access, no network or a slow answer all give no names.
    /// </summary>
    public static class DeploymentNameLookup
    {
        private static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);
        private static readonly ConcurrentDictionary<string, (DateTime Until, IReadOnlyList<string> Names)> Recent =
            new ConcurrentDictionary<string, (DateTime, IReadOnlyList<string>)>(StringComparer.Ordinal);

        public static IReadOnlyList<string> Names(string projectId, string? impersonateServiceAccount, TimeSpan deadline)
        {
            var key = projectId + "|" + impersonateServiceAccount;
            if (Recent.TryGetValue(key, out var known) && known.Until > DateTime.UtcNow)
            {
                return known.Names;
            }

            // Not disposed: a listing cut off by the deadline may still be unwinding with its token.
            var cancellation = new CancellationTokenSource(deadline);
            var lookup = Task.Run(() => ListAsync(projectId, impersonateServiceAccount, deadline, cancellation.Token));
            try
            {
                if (!lookup.Wait(deadline))
                {
                    return Array.Empty<string>();
                }
            }
            catch (AggregateException)
            {
                return Array.Empty<string>();
            }

            Recent[key] = (DateTime.UtcNow + Remembered, lookup.Result);
            return lookup.Result;
        }

        private static async Task<IReadOnlyList<string>> ListAsync(string projectId, string? impersonateServiceAccount, TimeSpan deadline,
            CancellationToken cancellationToken)
        {
            using var session = await GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions
            {
                ProjectId = projectId,
                ImpersonateServiceAccount = impersonateServiceAccount,
                HostVersion = "completion",
                // One try: a retry's backoff would outlast the deadline anyway.
                Retry = new RetrySettings { MaxAttempts = 1, TotalTimeout = deadline, AttemptTimeout = deadline },
            }, cancellationToken).ConfigureAwait(false);
            var deployments = await DeploymentDiscovery.FindAsync(session, projectId, null, cancellationToken).ConfigureAwait(false);
            return deployments.Select(d => d.Name).ToList();
        }
    }
}
