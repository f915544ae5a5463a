using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Base for every cmdlet: runs the asynchronous core on the thread pool while the pipeline thread writes what
    /// the core reports (PowerShell throws when Write* is called from any other thread), cancels on Ctrl+C and
    /// turns failures into ErrorRecords with stable ids.
    /// </summary>
    public abstract class AsyncCmdlet : PSCmdlet, IDisposable
    {
        private CancellationTokenSource? cancellation;
        private BlockingCollection<Action<AsyncCmdlet>>? pending;

        /// <summary>How long a stopped command waits for its work to wind down.</summary>
        private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

        /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
        protected CancellationToken CancellationToken => cancellation?.Token ?? CancellationToken.None;

        /// <summary>Thread-safe sink for the core's verbose, debug, warning and progress callbacks.</summary>
        protected CmdletReporter Reporter { get; private set; } = CmdletReporter.Discarding;

        /// <summary>"PowerShell/7.6.9" or "PowerShell/5.1.22621.4391": the host part of the user agent.</summary>
        protected string HostVersion { get; private set; } = "PowerShell";

        protected override void BeginProcessing()
        {
            cancellation = new CancellationTokenSource();
            Reporter = new CmdletReporter(Enqueue);
            if (SessionState.PSVariable.GetValue("PSVersionTable") is System.Collections.IDictionary table && table["PSVersion"] is { } version)
            {
                HostVersion = "PowerShell/" + version;
            }
        }

        protected override void StopProcessing() => cancellation?.Cancel();

        /// <summary>
        /// Runs <paramref name="work"/> off the pipeline thread, pumping its reports onto the pipeline thread until
        /// it ends; returns its result or throws its own exception (never an AggregateException).
        /// </summary>
        protected T RunAsync<T>(Func<CancellationToken, Task<T>> work)
        {
            using var queue = new BlockingCollection<Action<AsyncCmdlet>>();
            pending = queue;
            try
            {
                Task<T> task = Task.Run(() => work(CancellationToken));
                task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
                try
                {
                    foreach (Action<AsyncCmdlet> write in queue.GetConsumingEnumerable())
                    {
                        write(this);
                    }
                }
                catch (PipelineStoppedException)
                {
                    // Ctrl+C: the work is cancelled; let it end its own way (a run releases its lease) before the
                    // pipeline stops, so a command started right after finds nothing held.
                    cancellation?.Cancel();
                    task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(StopGrace);
                    throw;
                }

                return task.GetAwaiter().GetResult();
            }
            finally
            {
                pending = null;
            }
        }

        /// <summary>Stops the cmdlet with the ErrorRecord that <see cref="ErrorMapper"/> makes of the exception.</summary>
        protected void ThrowMapped(Exception exception, object? target) =>
            ThrowTerminatingError(ErrorMapper.ToErrorRecord(exception, target));

        private void Enqueue(Action<AsyncCmdlet> write)
        {
            BlockingCollection<Action<AsyncCmdlet>>? queue = pending;
            if (queue is null)
            {
                return;
            }

            try
            {
                queue.Add(write);
            }
            catch (InvalidOperationException)
            {
                // The work already ended (queue completed or disposed): a late report has nowhere to go.
            }
        }

        public void Dispose()
        {
            cancellation?.Dispose();
            cancellation = null;
        }
    }
}
