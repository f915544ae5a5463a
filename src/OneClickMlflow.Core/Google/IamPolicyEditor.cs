using System;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// Read-modify-write of any IAM policy with its etag: a concurrent change (409 ABORTED, 412) or a transient failure
    /// (429, 5xx, a lost answer) restarts the whole cycle from a fresh read, after the pipeline's backoff or the
    /// server's Retry-After, so a write that landed is seen and not made twice, and one that did not is made again;
    /// nothing is written when the change is already in place. The write itself is sent once per cycle.
    /// </summary>
    public sealed class IamPolicyEditor
    {
        private readonly GoogleHttpPipeline pipeline;
        private readonly Func<CancellationToken, Task<IamPolicy>> getPolicy;
        private readonly Func<IamPolicy, CancellationToken, Task<IamPolicy>> setPolicy;

        public IamPolicyEditor(GoogleHttpPipeline pipeline, Func<CancellationToken, Task<IamPolicy>> getPolicy,
            Func<IamPolicy, CancellationToken, Task<IamPolicy>> setPolicy)
        {
            this.pipeline = pipeline;
            this.getPolicy = getPolicy;
            this.setPolicy = setPolicy;
        }

        /// <summary>
        /// Applies <paramref name="mutate"/> (which returns whether it changed anything) and writes the policy when it did.
        /// Returns the policy as it stands afterwards.
        /// </summary>
        public Task<IamPolicy> EditAsync(Func<IamPolicy, bool> mutate, CancellationToken cancellationToken) =>
            pipeline.RetryCycleAsync(async ct =>
            {
                var policy = await getPolicy(ct).ConfigureAwait(false);
                if (!mutate(policy))
                {
                    return policy;
                }
                if (HasConditions(policy))
                {
                    policy.Version = 3;
                }
                return await setPolicy(policy, ct).ConfigureAwait(false);
            }, e => e is GoogleCloudApiException google && google.IsConflictRetry, cancellationToken);

        private static bool HasConditions(IamPolicy policy) => policy.Bindings.Exists(b => b.Condition != null);
    }
}
