using System;
using System.Collections.Concurrent;

namespace OneClickMlflow.Tokens
{
    /// <summary>
    /// Tokens already issued in this process, keyed by service account and audience, reused until five minutes
    /// before they expire so that a script asking for a token per run does not sign one per run.
    /// </summary>
    public sealed class TrackingTokenCache
    {
        public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

        private readonly ConcurrentDictionary<string, IssuedToken> tokens = new ConcurrentDictionary<string, IssuedToken>(StringComparer.OrdinalIgnoreCase);
        private readonly Func<DateTimeOffset> clock;

        public TrackingTokenCache(Func<DateTimeOffset>? clock = null)
        {
            this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        /// <summary>The cache every cmdlet call of the process shares.</summary>
        public static TrackingTokenCache Shared { get; } = new TrackingTokenCache();

        public DateTimeOffset Now => clock();

        /// <summary>A cached token still valid for more than <see cref="RefreshMargin"/>, or null.</summary>
        public IssuedToken? Find(string serviceAccount, string audience) =>
            tokens.TryGetValue(Key(serviceAccount, audience), out var token) && token.ExpiresOn - RefreshMargin > clock() ? token : null;

        public void Store(IssuedToken token) => tokens[Key(token.ServiceAccount, token.Audience)] = token;

        private static string Key(string serviceAccount, string audience) => serviceAccount + "\n" + audience;
    }
}
