using System;

namespace OneClickMlflow.Deployment.Lease
{
    /// <summary>Another run holds the deployment's run lease (and kept it for as long as this run would wait).</summary>
    public sealed class DeploymentBusyException : Exception
    {
        public DeploymentBusyException(string deployment, RunLeaseRecord holder, string leaseUri, TimeSpan waited)
            : base($"Deployment '{deployment}' is being changed by another run: {holder.Describe()}. " +
                   (waited > TimeSpan.Zero ? $"It still held the run lease after {Math.Round(waited.TotalSeconds)} s. " : "") +
                   $"The lease lapses at {holder.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z unless that run renews it.")
        {
            Deployment = deployment;
            Holder = holder;
            LeaseUri = leaseUri;
        }

        public string Deployment { get; }

        public RunLeaseRecord Holder { get; }

        /// <summary>gs://BUCKET/OBJECT of the lease.</summary>
        public string LeaseUri { get; }

        /// <summary>What to do: wait, or break a lease whose run is known to be gone.</summary>
        public string RecommendedAction =>
            "Wait for that run to end (pass -LockTimeout to wait for it), or, if it was killed and cannot renew the lease, " +
            $"break the lease with: gcloud storage rm {LeaseUri}";
    }

    /// <summary>The deployment was removed while this run waited for the lease: nothing is made behind that removal.</summary>
    public sealed class DeploymentRemovedWhileWaitingException : Exception
    {
        public DeploymentRemovedWhileWaitingException(string deployment, RunLeaseRecord removal)
            : base($"Deployment '{deployment}' was removed while this run waited for it: {removal.Describe()}, ended " +
                   $"{removal.ReleasedAt:yyyy-MM-dd HH:mm:ss}Z. Nothing was changed, so the removal stands. Run New-MlflowDeployment " +
                   "again to deploy it anew.")
        {
            Deployment = deployment;
        }

        public string Deployment { get; }
    }

    /// <summary>The lease changed hands between this run's plan and its first change: the plan is out of date.</summary>
    public sealed class RunLeaseChangedException : Exception
    {
        public RunLeaseChangedException(string deployment, RunLeaseRecord? holder)
            : base($"Deployment '{deployment}' was changed by another run after this run read it" +
                   (holder == null ? "" : $" ({holder.Describe()})") + ": this run's plan is out of date, so it changed nothing that depends on it.")
        {
            Holder = holder;
        }

        /// <summary>The run that holds the lease now, or null when it already ended.</summary>
        public RunLeaseRecord? Holder { get; }
    }

    /// <summary>Another run broke or took over this run's lease: the run stops before its next change.</summary>
    public sealed class RunLeaseLostException : Exception
    {
        public RunLeaseLostException(string deployment, string why)
            : base($"This run lost the run lease of deployment '{deployment}' ({why}); it stopped before its next change. Run the command again.")
        {
        }
    }
}
