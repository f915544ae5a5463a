using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Lease;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// New- and Remove-MlflowDeployment: the cmdlets that change a deployment, one run at a time under its lease
    /// (<see cref="LeasedRun"/>). -WhatIf and -PlanOnly plan without it.
    /// </summary>
    public abstract class DeploymentRunCmdlet : AsyncCmdlet
    {
        /// <summary>How many times a run plans again after another run changed the deployment behind its plan.</summary>
        private const int MaxPlans = 3;

        /// <summary>The longest -LockTimeout: a day.</summary>
        public const int MaxLockTimeoutSeconds = 86400;

        private DeploymentProgress? progress;

        /// <summary>Seconds to wait for another run of the deployment to end (0: fail at once, naming it).</summary>
        [Parameter]
        public int LockTimeout { get; set; }

        /// <summary>What one planned and approved attempt applies, and what may change before the lease exists.</summary>
        protected sealed class Attempt<T>
        {
            public Attempt(Func<IChangeGate, CancellationToken, Task<T>> apply, MlflowDeploymentGraph graph, bool createsBucket)
            {
                Apply = apply;
                BucketId = graph.Bucket.Id;
                Bootstrap = createsBucket ? new[] { graph.Apis.Id, graph.Bucket.Id } : Array.Empty<string>();
            }

            public Func<IChangeGate, CancellationToken, Task<T>> Apply { get; }

            public string BucketId { get; }

            public IReadOnlyList<string> Bootstrap { get; }
        }

        /// <summary>Refuses a -LockTimeout outside 0 to a day, naming it, like every other parameter (in CheckParameters).</summary>
        protected void CheckLockTimeout() =>
            ParameterChecks.InRange(nameof(LockTimeout), LockTimeout, 0, MaxLockTimeoutSeconds, "the seconds to wait for another run are");

        protected LeasedRun NewLeasedRun(GoogleCloudSession session, DeploymentNames names, string operation)
        {
            var holder = RunAsync(async ct =>
            {
                var member = await session.CallerMemberAsync(ct).ConfigureAwait(false) ?? session.Account ?? "";
                return member.IndexOf(':') >= 0 ? member.Substring(member.IndexOf(':') + 1) : member;
            });
            var record = RunLeaseRecord.ForThisProcess(operation, holder);
            return new LeasedRun(new DeploymentRunLease(session.Storage, names.Name, names.BucketName, record), operation,
                TimeSpan.FromSeconds(LockTimeout));
        }

        /// <summary>
        /// Waits for the lease, then lets <paramref name="planAndApprove"/> plan and ask (on the pipeline thread; null:
        /// nothing to apply), then applies under the lease. Plans again when another run changed the deployment between.
        /// </summary>
        protected T? RunUnderLease<T>(LeasedRun run, string deployment, Func<Attempt<T>?> planAndApprove) where T : class
        {
            for (var plans = 1; ; plans++)
            {
                var waiting = new ProgressRecord(2, $"Waiting for another run of deployment '{deployment}'", "reading the run lease");
                RunAsync(async ct =>
                {
                    await run.WaitAsync(message =>
                    {
                        waiting.StatusDescription = message;
                        Reporter.Progress(waiting);
                    }, ct).ConfigureAwait(false);
                    return true;
                });
                var attempt = planAndApprove();
                if (attempt == null)
                {
                    return null;
                }
                try
                {
                    return RunAsync(ct => run.ApplyAsync(attempt.Apply, attempt.BucketId, attempt.Bootstrap, ct));
                }
                catch (RunLeaseChangedException changed) when (plans < MaxPlans)
                {
                    WriteWarning(changed.Message + " Planning again.");
                }
            }
        }

        /// <summary>The progress of this run (the caller disposes it); a stop names what Google goes on with.</summary>
        internal DeploymentProgress StartProgress(string activity) =>
            progress = new DeploymentProgress(Reporter, activity, LogOutput.IsWanted(Host));

        protected override void StopProcessing()
        {
            // Read before cancelling: the cancelled changes stop counting as running.
            var stopped = progress?.StoppedMessage(MyInvocation.MyCommand.Name);
            base.StopProcessing();
            if (stopped == null)
            {
                return;
            }
            try
            {
                // The pipeline no longer takes records once stopped: the host is told directly.
                Host.UI?.WriteWarningLine(stopped);
            }
            catch (Exception e) when (e is System.Management.Automation.Host.HostException or NotImplementedException or NotSupportedException)
            {
            }
        }

        protected bool IsWhatIf() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
                ? ((SwitchParameter)value).IsPresent
                : GetVariableValue("WhatIfPreference") is object preference && LanguagePrimitives.IsTrue(preference);
    }
}
