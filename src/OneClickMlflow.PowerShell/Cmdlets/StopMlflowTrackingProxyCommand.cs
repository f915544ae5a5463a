using System;
using System.Management.Automation;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Proxy;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>Stops tracking proxies of this process: the port closes and open connections end.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "MlflowTrackingProxy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.StopMlflowTrackingProxy)]
    [OutputType(typeof(MlflowTrackingProxy))]
    public sealed class StopMlflowTrackingProxyCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlflowTrackingProxy[] InputObject { get; set; } = Array.Empty<MlflowTrackingProxy>();

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var proxy in InputObject)
            {
                if (!ShouldProcess(proxy.ToString(), "Stop the tracking proxy"))
                {
                    continue;
                }
                proxy.Stop();
                // MLFLOW_TRACKING_URI set by -SetEnvironment would now point at a closed port.
                if (string.Equals(Environment.GetEnvironmentVariable(GetMlflowTrackingTokenCommand.TrackingUriVariable), proxy.LocalUri, StringComparison.Ordinal))
                {
                    Environment.SetEnvironmentVariable(GetMlflowTrackingTokenCommand.TrackingUriVariable, null);
                }
                if (PassThru)
                {
                    WriteObject(proxy);
                }
            }
        }
    }
}
