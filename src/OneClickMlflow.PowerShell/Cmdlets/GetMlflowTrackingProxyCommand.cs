using System.Linq;
using System.Management.Automation;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Proxy;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>Lists the tracking proxies running in this process, with their request counts.</summary>
    [Cmdlet(VerbsCommon.Get, "MlflowTrackingProxy", HelpUri = HelpLinks.GetMlflowTrackingProxy)]
    [OutputType(typeof(MlflowTrackingProxy))]
    public sealed class GetMlflowTrackingProxyCommand : PSCmdlet
    {
        /// <summary>Deployment names (wildcards allowed); every proxy when not given.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Only proxies for deployments in this project; every project when not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [Alias("Project")]
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
