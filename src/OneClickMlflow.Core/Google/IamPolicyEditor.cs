using System;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// Read-modify-write of any IAM policy with its etag: a concurrent change (409 ABORTED) or a transient failure
    /// (429, 5xx, a lost answer) restarts the whole cycle from a fresh read, so a write that landed is seen and not
    /// made twice, and one that did not is made again; nothing is written when the change is already in place.
    /// </summary>
    public sealed class IamPolicyEditor
    {
        private readonly Func<CancellationToken, Task<IamPolicy>> getPolicy;
        private readonly Func<IamPolicy, CancellationToken, Task<IamPolicy>> setPolicy;

        public IamPolicyEditor(Func<CancellationToken, Task<IamPolicy>> getPolicy, Func<IamPolicy, CancellationToken, Task<IamPolicy>> setPolicy)
        {
            this.getPolicy = getPolicy;
            this.setPolicy = setPolicy;
        }

        public int MaxCycles { get; set; } = 8;

        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>
        /// Applies <paramref name="mutate"/> (which returns whether it changed anything) and writes the policy when it did.
        /// Returns the policy as it stands afterwards.
        /// </summary>
        public async Task<IamPolicy> EditAsync(Func<IamPolicy, bool> mutate, CancellationToken cancellationToken)
        {
            var random = new Random();
            for (var cycle = 1; ; cycle++)
            {
                var policy = await getPolicy(cancellationToken).ConfigureAwait(false);
                if (!mutate(policy))
                {
                    return policy;
                }
                if (HasConditions(policy))
                {
                    policy.Version = 3;
                }
                try
                {
                    return await setPolicy(policy, cancellationToken).ConfigureAwait(false);
                }
                catch (GoogleApiException e) when ((e.IsConflictRetry || e.IsTransient) && cycle < MaxCycles)
                {
                    var delay = TimeSpan.FromMilliseconds(BaseDelay.TotalMilliseconds * Math.Pow(2, cycle - 1) * (0.5 + random.NextDouble()));
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static bool HasConditions(IamPolicy policy) => policy.Bindings.Exists(b => b.Condition != null);
    }
}
