using System;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Tokens;

namespace OneClickMlflow.Proxy
{
    /// <summary>
    /// The token the proxy sends upstream, renewed well before it expires: from a quarter of its lifetime before expiry
    /// (at most five minutes before, as <see cref="TrackingTokenCache"/> does) a renewal starts in the background
    /// while requests keep the current token; only a token too close to expiry makes a request wait for the new one.
    /// </summary>
    public sealed class ProxyTokenSource
    {
        private readonly Func<bool, CancellationToken, Task<IssuedToken>> issue;
        private readonly Func<DateTimeOffset> clock;
        private readonly SemaphoreSlim renewing = new SemaphoreSlim(1, 1);
        private IssuedToken? current;
        private DateTimeOffset receivedAt;
        private Task? background;
        private DateTimeOffset nextAttempt;

        /// <param name="issue">Issues a token; the flag asks for a new one rather than a cached one.</param>
        public ProxyTokenSource(Func<bool, CancellationToken, Task<IssuedToken>> issue, Func<DateTimeOffset>? clock = null)
        {
            this.issue = issue;
            this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>Reports renewals and their failures (never the token).</summary>
        public event Action<string>? Log;

        /// <summary>How many tokens were issued after the first.</summary>
        public int Renewals { get; private set; }

        public DateTimeOffset? ExpiresOn => current?.ExpiresOn;

        /// <summary>When a renewal starts: a quarter of the lifetime before expiry, at most five minutes before.</summary>
        public static DateTimeOffset RenewalTime(DateTimeOffset receivedAt, DateTimeOffset expiresOn)
        {
            var lifetime = expiresOn - receivedAt;
            var margin = TimeSpan.FromTicks(Math.Min(TrackingTokenCache.RefreshMargin.Ticks, Math.Max(0, lifetime.Ticks / 4)));
            return expiresOn - margin;
        }

        /// <summary>The last moment a token is still handed out while its renewal runs: a tenth of its lifetime before expiry, at most 30 s.</summary>
        public static DateTimeOffset LastUse(DateTimeOffset receivedAt, DateTimeOffset expiresOn)
        {
            var lifetime = expiresOn - receivedAt;
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, Math.Max(0, lifetime.Ticks / 10)));
            return expiresOn - margin;
        }

        /// <summary>The first token (a cached one when it is fresh enough), so that a proxy that cannot get one does not start.</summary>
        public Task StartAsync(CancellationToken cancellationToken) => RenewAsync(refresh: false, cancellationToken);

        public async Task<IssuedToken> GetAsync(CancellationToken cancellationToken)
        {
            var token = current;
            var now = clock();
            if (token != null && now < RenewalTime(receivedAt, token.ExpiresOn))
            {
                return token;
            }
            if (token != null && now < LastUse(receivedAt, token.ExpiresOn))
            {
                StartBackgroundRenewal(now);
                return token;
            }
            await RenewAsync(refresh: true, cancellationToken).ConfigureAwait(false);
            return current!;
        }

        private void StartBackgroundRenewal(DateTimeOffset now)
        {
            lock (renewing)
            {
                if (background is { IsCompleted: false } || now < nextAttempt)
                {
                    return;
                }
                background = Task.Run(async () =>
                {
                    try
                    {
                        await RenewAsync(refresh: true, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        // The current token is still good for a while: try again a little later.
                        nextAttempt = clock() + TimeSpan.FromSeconds(2);
                        Log?.Invoke($"Renewing the token failed ({e.Message}); the current one stays in use until {current?.ExpiresOn:u}.");
                    }
                });
            }
        }

        private async Task RenewAsync(bool refresh, CancellationToken cancellationToken)
        {
            var before = current;
            await renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (current != before && current != null && clock() < RenewalTime(receivedAt, current.ExpiresOn))
                {
                    return; // another request renewed it while this one waited
                }
                var started = clock();
                var issued = await issue(refresh, cancellationToken).ConfigureAwait(false);
                if (before != null)
                {
                    Renewals++;
                }
                receivedAt = started;
                current = issued;
                Log?.Invoke($"Using a token of {issued.ServiceAccount} valid until {issued.ExpiresOn:u}.");
            }
            finally
            {
                renewing.Release();
            }
        }
    }
}
