using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;

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
        private HashSet<string> givenOnCommandLine = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private GoogleCloudSession? lastSession;
        private int pipelineThread;

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
            pipelineThread = Environment.CurrentManagedThreadId;
            Reporter = new CmdletReporter(Enqueue);
            if (SessionState.PSVariable.GetValue("PSVersionTable") is System.Collections.IDictionary table && table["PSVersion"] is { } version)
            {
                HostVersion = "PowerShell/" + version;
            }
            // Piped objects bind their properties later, record by record: what is bound now was typed.
            givenOnCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>Whether the parameter was given on the command line (not bound from a piped object's property).</summary>
        protected bool Given(string parameterName) => givenOnCommandLine.Contains(parameterName);

        /// <summary>
        /// A string parameter's value to check: as given on the command line (an empty or $null value is then refused,
        /// never read as "not given"); from a piped object's property, an empty value means the property is unset.
        /// </summary>
        protected string? Argument(string parameterName, string? value) =>
            Given(parameterName) ? value : string.IsNullOrEmpty(value) ? null : value;

        /// <summary>
        /// Checks the parameters before anything else happens: a parameter given $null, and whatever
        /// <paramref name="check"/> refuses, stops the cmdlet with an InvalidArgument error naming the parameter.
        /// </summary>
        protected void CheckParameters(Action check)
        {
            try
            {
                foreach (var bound in MyInvocation.BoundParameters)
                {
                    if (bound.Value == null && Given(bound.Key))
                    {
                        throw new InvalidDeploymentInputException(bound.Key,
                            "$null was given (an unset variable?). Pass a value, or leave the parameter out for its default.");
                    }
                }
                check();
            }
            catch (InvalidDeploymentInputException invalid)
            {
                ThrowMapped(invalid, MyInvocation.BoundParameters.TryGetValue(invalid.ParameterName, out var value) ? value : null);
            }
        }

        /// <summary>Where the APIs are reached, from the environment and gcloud's configuration (no request).</summary>
        protected static ApiEndpoints ConfiguredEndpoints() =>
            ApiEndpoints.FromConfiguration(GcloudConfiguration.Load(GoogleCloudSession.ProcessEnvironment()));

        /// <summary>-ImpersonateServiceAccount as given, checked to be a service account's e-mail; null when not given.</summary>
        protected static string? ImpersonationTarget(string? impersonateServiceAccount) =>
            impersonateServiceAccount == null ? null : DeploymentInputValidator.ValidateServiceAccountEmail("ImpersonateServiceAccount", impersonateServiceAccount);

        /// <summary>-ProjectId as given, checked whole; null when not given (the configured project is then used).</summary>
        protected string? ProjectArgument(string? projectId) =>
            Argument("ProjectId", projectId) is { } given ? DeploymentInputValidator.ValidateProjectId(given) : null;

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
            ThrowTerminatingError(ErrorMapper.ToErrorRecord(exception, target, CallerOf(exception)));

        /// <summary>
        /// Opens the Google session the way every cmdlet does: parameters first, then the environment (no request yet).
        /// The session is kept, so that a permission error can name the identity the credentials really speak for
        /// (Google's tokeninfo), not gcloud's core/account.
        /// </summary>
        /// <param name="projectId">-ProjectId as given and checked; null uses the configured project.</param>
        /// <param name="log">Receives one line per HTTP attempt (method, URL, status; never bodies or tokens), e.g. for -Debug.</param>
        protected async Task<GoogleCloudSession> OpenSessionAsync(string? projectId, string? impersonateServiceAccount,
            CancellationToken cancellationToken, Action<string>? log = null, bool requireProject = true)
        {
            var session = await GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions
            {
                ProjectId = projectId,
                ImpersonateServiceAccount = impersonateServiceAccount,
                HostVersion = HostVersion,
                RequireProject = requireProject,
                Log = log,
            }, cancellationToken).ConfigureAwait(false);
            lastSession = session;
            return session;
        }

        /// <summary>The caller as Google names it, for a permission error of a session this cmdlet opened; null otherwise.</summary>
        private string? CallerOf(Exception exception)
        {
            var session = lastSession;
            if (session == null || CancellationToken.IsCancellationRequested || !ErrorMapper.IsPermissionDenied(exception))
            {
                return null;
            }
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                return Task.Run(() => session.CallerMemberAsync(deadline.Token)).GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Naming the caller is a courtesy: the permission error itself is what the user must see.
                return null;
            }
        }

        private void Enqueue(Action<AsyncCmdlet> write)
        {
            BlockingCollection<Action<AsyncCmdlet>>? queue = pending;
            if (queue is null)
            {
                WriteOnPipelineThread(write);
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

        /// <summary>
        /// A report made outside <see cref="RunAsync{T}"/> (a progress record completed as the command ends) is written at
        /// once when it comes from the pipeline thread; from any other thread it has nowhere to go.
        /// </summary>
        private void WriteOnPipelineThread(Action<AsyncCmdlet> write)
        {
            if (Environment.CurrentManagedThreadId != pipelineThread || CancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                write(this);
            }
            catch (PipelineStoppedException)
            {
                // Stopped meanwhile: nothing more is written.
            }
        }

        public void Dispose()
        {
            cancellation?.Dispose();
            cancellation = null;
        }
    }
}
