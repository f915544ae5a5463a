using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment.Lease
{
    /// <summary>
    /// One run of New- or Remove-MlflowDeployment under the deployment's lease: wait until no other run holds it (up
    /// to -LockTimeout), note how it stood, plan (the caller does, and asks for approval), then apply with every change
    /// passing the lease's gate, and release it however the run ends. A lease that changed hands between the reading
    /// and the first change means the plan is out of date: <see cref="RunLeaseChangedException"/>, and the caller
    /// plans again. -WhatIf, -PlanOnly and Get-MlflowDeployment never come here.
    /// </summary>
    public sealed class LeasedRun
    {
        public const string NewOperation = "New-MlflowDeployment";
        public const string RemoveOperation = "Remove-MlflowDeployment";

        private readonly DeploymentRunLease lease;
        private readonly string operation;
        private readonly TimeSpan lockTimeout;
        private RunLeaseState? observed;

        public LeasedRun(DeploymentRunLease lease, string operation, TimeSpan lockTimeout)
        {
            this.lease = lease;
            this.operation = operation;
            this.lockTimeout = lockTimeout;
        }

        public DeploymentRunLease Lease => lease;

        /// <summary>
        /// Waits until no other run holds the lease. A New that waited for a removal which ended stops here: nothing is
        /// made behind a removal the user just saw complete (<see cref="DeploymentRemovedWhileWaitingException"/>).
        /// </summary>
        public async Task WaitAsync(Action<string>? progress, CancellationToken cancellationToken)
        {
            var (state, waitedFor) = await lease.WaitUntilFreeAsync(lockTimeout, progress, cancellationToken).ConfigureAwait(false);
            var last = state.Record ?? waitedFor;
            if (operation == NewOperation && waitedFor != null && last != null && last.Operation == RemoveOperation
                && (last.Completed == true || !state.BucketExists))
            {
                throw new DeploymentRemovedWhileWaitingException(lease.Deployment, last);
            }
            observed = state;
        }

        /// <summary>
        /// Applies through the lease's gate and releases the lease at the end. <paramref name="bootstrapIds"/> may change
        /// before the lease is taken when the bucket that holds it does not exist yet (a first run).
        /// </summary>
        public async Task<T> ApplyAsync<T>(Func<IChangeGate, CancellationToken, Task<T>> apply, string bucketResourceId,
            IEnumerable<string> bootstrapIds, CancellationToken cancellationToken)
        {
            var state = observed ?? throw new InvalidOperationException("WaitAsync comes first.");
            var gate = new RunLeaseGate(lease, state, bucketResourceId, bootstrapIds);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
            var completed = false;
            try
            {
                var result = await apply(gate, linked.Token).ConfigureAwait(false);
                completed = true;
                return result;
            }
            catch (DeploymentFailedException failed) when (!lease.Held && failed.Failures.Any(f => f.Error is RunLeaseChangedException)
                                                           && failed.Failures.All(f => f.Error is RunLeaseChangedException))
            {
                throw failed.Failures.Select(f => f.Error).OfType<RunLeaseChangedException>().First();
            }
            catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new RunLeaseLostException(lease.Deployment, lease.LostReason ?? "it was taken over");
            }
            finally
            {
                observed = null;
                await lease.ReleaseAsync(completed, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
