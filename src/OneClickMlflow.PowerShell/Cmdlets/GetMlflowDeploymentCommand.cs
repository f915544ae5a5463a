using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Finds the deployments of a project by the oneclick-mlflow label of their artifacts bucket and returns each
    /// with the live state of its resources and what New-MlflowDeployment would change (its drift). Only reads.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MlflowDeployment", HelpUri = HelpLinks.GetMlflowDeployment)]
    [OutputType(typeof(MlflowDeployment))]
    public sealed class GetMlflowDeploymentCommand : AsyncCmdlet
    {
        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidatePattern(ProjectIdPattern.Value)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name; wildcards allowed. All deployments when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                using GoogleCloudSession session = RunAsync(ct =>
                    SessionFactory.CreateAsync(HostVersion, ProjectId, ImpersonateServiceAccount, ct, Reporter.Debug));
                var projectId = session.RequireProjectId();
                var pattern = Name == null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
                var found = RunAsync(ct => DeploymentDiscovery.FindAsync(session, projectId,
                    pattern == null ? null : new Func<string, bool>(pattern.IsMatch), ct));
                if (found.Count == 0 && Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No MLflow deployment named '{Name}' in project '{projectId}'."),
                        "DeploymentNotFound", ErrorCategory.ObjectNotFound, Name));
                    return;
                }

                foreach (var deployment in found)
                {
                    WriteObject(Observe(session, projectId, deployment));
                }
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, Name);
            }
        }

        /// <summary>Plans the graph New-MlflowDeployment would build and applies nothing.</summary>
        private MlflowDeployment Observe(GoogleCloudSession session, string projectId, DeploymentLocation deployment)
        {
            var spec = RunAsync(ct => DeploymentDiscovery.SpecOfAsync(session, projectId, deployment, ct));
            var graph = DeploymentGraphBuilder.Build(spec, session);
            var plan = RunAsync(ct => new DeploymentEngine().PlanAsync(graph.Resources, ct));
            WriteVerbose($"Deployment '{deployment.Name}': {plan.Summary}");
            return graph.Describe(plan);
        }
    }
}
