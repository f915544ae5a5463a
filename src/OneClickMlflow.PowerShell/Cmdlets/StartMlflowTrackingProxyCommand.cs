using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Proxy;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Starts a local proxy to a deployment's tracking server that adds a fresh IAP token to every request, so that
    /// runs longer than a token's hour keep logging. It runs in this PowerShell process until Stop-MlflowTrackingProxy
    /// or the end of the session; with -Wait, until Ctrl+C.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "MlflowTrackingProxy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.StartMlflowTrackingProxy)]
    [OutputType(typeof(MlflowTrackingProxy))]
    public sealed class StartMlflowTrackingProxyCommand : AsyncCmdlet
    {
        public const string MultipartVariable = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
        public const string MultipartMinimumVariable = "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE";

        /// <summary>Below the 32 MB App Engine and IAP accept in one request, so that a larger artifact goes in parts.</summary>
        public const long MultipartMinimumBytes = 16L * 1024 * 1024;

        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name (default mlflow); the first positional parameter, as everywhere.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string Name { get; set; } = DeploymentNames.DefaultName;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? TrackingUri { get; set; }

        [Parameter]
        [PSDefaultValue(Help = "the deployment's log pusher account")]
        public string? ServiceAccount { get; set; }

        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        /// <summary>0 (the default) picks a free port.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        [PSDefaultValue(Help = "0, a free port")]
        public int Port { get; set; }

        /// <summary>127.0.0.1 unless given; any other address is served with a warning.</summary>
        [Parameter]
        [ValidateNotNull]
        [PSDefaultValue(Help = "127.0.0.1")]
        public IPAddress? ListenAddress { get; set; }

        [Parameter]
        public SwitchParameter SetEnvironment { get; set; }

        /// <summary>Serves in the foreground until Ctrl+C, then stops.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void ProcessRecord()
        {
            string? givenProject = null, impersonate = null, serviceAccount = null;
            string name = DeploymentNames.DefaultName;
            CheckParameters(() =>
            {
                givenProject = ProjectArgument(ProjectId);
                name = DeploymentInputValidator.ValidateDeploymentName(Argument(nameof(Name), Name) ?? DeploymentNames.DefaultName);
                serviceAccount = ServiceAccount == null ? null : DeploymentInputValidator.ValidateServiceAccountEmail(nameof(ServiceAccount), ServiceAccount);
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
            });
            var listen = ListenAddress ?? IPAddress.Loopback;
            var target = TrackingUri?.ToString() ?? $"deployment '{name}'{(givenProject == null ? "" : $" in project '{givenProject}'")}";
            if (!ShouldProcess(target, $"Start a tracking proxy on {listen}:{(Port == 0 ? "a free port" : Port.ToString())}"))
            {
                return;
            }
            if (!IPAddress.IsLoopback(listen))
            {
                WriteWarning($"The proxy listens on {listen}: anyone who can reach this machine there uses the tracking server as its account, " +
                             "with no sign-in. Listen on loopback (the default) unless other machines must use it.");
            }

            MlflowTrackingProxy proxy;
            try
            {
                proxy = RunAsync(async cancellationToken =>
                {
                    var session = await GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions
                    {
                        ProjectId = givenProject,
                        ImpersonateServiceAccount = impersonate,
                        HostVersion = HostVersion,
                        RequireProject = false,
                    }, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await TrackingProxyLauncher.StartAsync(session, new TrackingProxyRequest
                        {
                            // A proxy for a piped deployment or -ProjectId is that deployment's; one for -TrackingUri alone is nobody's.
                            DeploymentName = TrackingUri == null || MyInvocation.BoundParameters.ContainsKey(nameof(Name)) ? name : null,
                            TrackingUri = TrackingUri,
                            ServiceAccount = serviceAccount,
                            ListenAddress = listen,
                            Port = Port,
                        }, Reporter.Verbose, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        session.Dispose();
                        throw;
                    }
                });
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, ServiceAccount ?? TrackingUri?.ToString() ?? ProjectId);
                return;
            }

            StopWithRunspace(proxy);
            if (SetEnvironment)
            {
                Environment.SetEnvironmentVariable(GetMlflowTrackingTokenCommand.TrackingUriVariable, proxy.LocalUri);
                // A token left by Get-MlflowTrackingToken would expire and is not needed: the proxy adds its own.
                Environment.SetEnvironmentVariable(GetMlflowTrackingTokenCommand.TrackingTokenVariable, null);
                SetUnlessSet(MultipartVariable, "true");
                SetUnlessSet(MultipartMinimumVariable, MultipartMinimumBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            WriteObject(proxy);

            if (Wait)
            {
                try
                {
                    RunAsync(async cancellationToken =>
                    {
                        var cancelled = new TaskCompletionSource<bool>();
                        using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
                        {
                            await Task.WhenAny(proxy.Completion, cancelled.Task).ConfigureAwait(false);
                        }
                        return true;
                    });
                }
                finally
                {
                    proxy.Stop();
                }
            }
        }

        private static void SetUnlessSet(string name, string value)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        /// <summary>The proxy ends with the runspace that started it (the session closing, a hosted runspace disposed).</summary>
        private static void StopWithRunspace(MlflowTrackingProxy proxy)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }
            EventHandler<RunspaceStateEventArgs>? handler = null;
            handler = (_, e) =>
            {
                var state = e.RunspaceStateInfo.State;
                if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken)
                {
                    proxy.Stop();
                }
            };
            runspace.StateChanged += handler;
            proxy.Completion.ContinueWith(_ => runspace.StateChanged -= handler, TaskScheduler.Default);
        }
    }
}
