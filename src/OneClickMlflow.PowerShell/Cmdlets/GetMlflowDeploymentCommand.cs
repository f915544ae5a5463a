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
    [Cmdlet(VerbsCommon.Get, "MlflowDeployment")]
    [OutputType(typeof(MlflowDeployment))]
    public sealed class GetMlflowDeploymentCommand : AsyncCmdlet
    {
        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidatePattern(ProjectIdPattern.Value)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name; wildcards allowed. All deployments when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ImpersonateServiceAccount { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                using GoogleCloudSession session = RunAsync(ct =>
                    SessionFactory.CreateAsync(HostVersion, ProjectId, ImpersonateServiceAccount, ct, Reporter.Debug));
                var projectId = session.RequireProjectId();
                var found = RunAsync(ct => FindDeploymentsAsync(session, projectId, ct));
                if (found.Count == 0 && Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No MLflow deployment named '{Name}' in project '{projectId}'."),
                        "DeploymentNotFound", ErrorCategory.ObjectNotFound, Name));
                    return;
                }

                foreach (var (name, region) in found)
                {
                    WriteObject(Observe(session, projectId, name, region));
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

        /// <summary>Each labelled bucket is one deployment: the label value is its name, the bucket's location its region.</summary>
        private async Task<List<(string Name, string Region)>> FindDeploymentsAsync(GoogleCloudSession session, string projectId,
            CancellationToken cancellationToken)
        {
            var pattern = Name == null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            var buckets = await session.Storage.ListBucketsAsync(projectId, cancellationToken).ConfigureAwait(false);
            return buckets
                .Where(b => b.Labels != null && b.Labels.ContainsKey(DeploymentNames.LabelKey) && b.Location != null)
                .Select(b => (Name: b.Labels![DeploymentNames.LabelKey], Region: b.Location!.ToLowerInvariant()))
                .Where(d => pattern == null || pattern.IsMatch(d.Name))
                .GroupBy(d => d.Name, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(d => d.Name, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>Plans the graph New-MlflowDeployment would build and applies nothing.</summary>
        private MlflowDeployment Observe(GoogleCloudSession session, string projectId, string name, string region)
        {
            var networkName = RunAsync(ct => ExistingNetworkAsync(session, projectId, name, ct));
            var spec = MlflowDeploymentSpec.From(new DeploymentInput
            {
                ProjectId = projectId, Name = name, Region = region, NetworkName = networkName,
                // The caller's image, web users and OAuth client are unknown here: the server as it runs is the wanted one.
                ServerSettingsFromLive = true,
            });
            var graph = DeploymentGraphBuilder.Build(spec, session);
            var plan = RunAsync(ct => new DeploymentEngine().PlanAsync(graph.Resources, ct));
            WriteVerbose($"Deployment '{name}': {plan.Summary}");
            return graph.Describe(plan);
        }

        /// <summary>
        /// The network a deployment was made on, read from its Cloud SQL instance's private network: null when it is
        /// the deployment's own NAME-network (or there is no instance yet), otherwise the reused network, so the plan
        /// compares against what New-MlflowDeployment -NetworkName made instead of reporting a missing own network.
        /// </summary>
        private static async Task<string?> ExistingNetworkAsync(GoogleCloudSession session, string projectId, string name,
            CancellationToken cancellationToken)
        {
            var names = DeploymentNames.For(projectId, name);
            var instance = await session.CloudSql.GetInstanceAsync(projectId, names.SqlInstanceName, cancellationToken).ConfigureAwait(false);
            var network = instance?.Settings?.IpConfiguration?.PrivateNetwork;
            if (string.IsNullOrEmpty(network))
            {
                return null;
            }
            var reference = DeploymentInputValidator.ValidateNetworkName(network, names);
            return reference.ProjectId == projectId && reference.Name == names.NetworkName ? null : reference.RelativeName;
        }
    }
}
