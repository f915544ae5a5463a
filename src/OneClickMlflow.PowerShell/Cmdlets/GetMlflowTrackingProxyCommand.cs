using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Proxy;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>Lists the tracking proxies running in this process, with their request counts.</summary>
    [Cmdlet(VerbsCommon.Get, "MlflowTrackingProxy")]
    [OutputType(typeof(MlflowTrackingProxy))]
    public sealed class GetMlflowTrackingProxyCommand : PSCmdlet
    {
        /// <summary>Deployment names (wildcards allowed); every proxy when not given.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ProjectId { get; set; }

        protected override void ProcessRecord()
        {
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (var proxy in MlflowTrackingProxy.Running)
            {
                if (ProjectId != null && !string.Equals(proxy.ProjectId, ProjectId, System.StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                if (patterns != null && !patterns.Any(p => proxy.Name != null && p.IsMatch(proxy.Name)))
                {
                    continue;
                }
                WriteObject(proxy);
            }
        }
    }
}
