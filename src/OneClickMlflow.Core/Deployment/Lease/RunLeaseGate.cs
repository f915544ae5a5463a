using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Lease
{
    /// <summary>
    /// Lets no change be applied before the run holds the deployment's lease. When the deployment has no bucket yet
    /// (its first run), the lease has nowhere to live: the APIs and the bucket come first (both converge when two runs
    /// make them at once), then the lease is taken in the new bucket, expecting none there.
    /// </summary>
    public sealed class RunLeaseGate : IChangeGate
    {
        private readonly DeploymentRunLease lease;
        private readonly RunLeaseState observed;
        private readonly HashSet<string> beforeLease;
        private readonly string bucketResourceId;
        private readonly TaskCompletionSource<bool> bucketFinished = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object sync = new object();
        private Task? taking;

        /// <param name="observed">The lease as read before the plan.</param>
        /// <param name="bootstrapIds">What may change before the lease is taken when the bucket is missing (the APIs, the bucket).</param>
        public RunLeaseGate(DeploymentRunLease lease, RunLeaseState observed, string bucketResourceId, IEnumerable<string> bootstrapIds)
        {
            this.lease = lease;
            this.observed = observed;
            this.bucketResourceId = bucketResourceId;
            beforeLease = observed.BucketExists ? new HashSet<string>() : new HashSet<string>(bootstrapIds, StringComparer.Ordinal);
            // A removal of a deployment whose bucket is gone has nowhere to hold a lease: it goes without.
            withoutLease = !observed.BucketExists && beforeLease.Count == 0;
            if (observed.BucketExists)
            {
                bucketFinished.TrySetResult(true);
            }
        }

        private readonly bool withoutLease;

        public Task EnterAsync(Resource resource, CancellationToken cancellationToken)
        {
            if (withoutLease || beforeLease.Contains(resource.Id))
            {
                return Task.CompletedTask;
            }
            lock (sync)
            {
                return taking ??= TakeAsync(cancellationToken);
            }
        }

        public void Finished(Resource resource, ResourceOutcome outcome)
        {
            if (resource.Id == bucketResourceId)
            {
                bucketFinished.TrySetResult(outcome == ResourceOutcome.Succeeded || outcome == ResourceOutcome.Unchanged);
            }
        }

        private async Task TakeAsync(CancellationToken cancellationToken)
        {
            if (!await bucketFinished.Task.ConfigureAwait(false))
            {
                throw new ChangeSkippedException(
                    $"skipped because bucket failed: the run lease of deployment '{lease.Deployment}' lives in it, and no change is made without the lease");
            }
            await lease.TakeAsync(observed, cancellationToken).ConfigureAwait(false);
        }
    }
}
