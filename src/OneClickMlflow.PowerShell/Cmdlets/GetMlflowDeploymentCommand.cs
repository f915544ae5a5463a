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
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name; wildcards allowed. All deployments when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string? Name { get; set; }

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        protected override void ProcessRecord()
        {
            string? givenProject = null;
            string? impersonate = null;
            string? name = null;
            CheckParameters(() =>
            {
                givenProject = ProjectArgument(ProjectId);
                name = Argument(nameof(Name), Name) is { } given
                    ? DeploymentInputValidator.ValidateNamePattern(given, WildcardPattern.ContainsWildcardCharacters(given))
                    : null;
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
            });
            try
            {
                using GoogleCloudSession session = RunAsync(ct =>
                    OpenSessionAsync(givenProject, impersonate, ct, Reporter.Debug));
                var projectId = session.RequireProjectId();
                var pattern = name == null ? null : new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var found = RunAsync(ct => DeploymentDiscovery.FindAsync(session, projectId,
                    pattern == null ? null : new Func<string, bool>(pattern.IsMatch), ct));
                if (found.Count == 0 && name != null && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No MLflow deployment named '{name}' in project '{projectId}'."),
                        "DeploymentNotFound", ErrorCategory.ObjectNotFound, name));
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
