using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.Deployment.Preflight
{
    /// <summary>
    /// What an approved plan needs, checked before its first change: one testIamPermissions on the project for every
    /// permission its changes use (as the resources declare them), and the Docker engine when an image will be built.
    /// Both run at once; a lack stops the run before anything bills.
    /// </summary>
    public static class DeploymentPreflight
    {
        /// <summary>
        /// The permissions the approved changes need: each resource's read permissions and those of its change, less
        /// what the run grants itself on the way (actAs on the server account). Resources of another project (a Shared
        /// VPC host's network) are not checked on this one.
        /// </summary>
        public static IReadOnlyList<string> Needed(MlflowDeploymentGraph graph, DeploymentApproval approval)
        {
            var byId = graph.Resources.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var elsewhere = graph.Spec.Network.ProjectId == graph.Spec.ProjectId
                ? new HashSet<string>(StringComparer.Ordinal)
                : new HashSet<string>(new Resource[] { graph.Network, graph.PeeringRange, graph.PrivateServicesAccess }.Select(r => r.Id), StringComparer.Ordinal);
            return approval.Approved
                .Where(change => change.Action != ChangeAction.None && byId.ContainsKey(change.ResourceId) && !elsewhere.Contains(change.ResourceId))
                .SelectMany(change =>
                {
                    var permissions = byId[change.ResourceId].Permissions;
                    // A planned create may meet what exists (it was not read yet, or another run made it): then it updates.
                    var wanted = change.Action == ChangeAction.Create ? permissions.For(ChangeAction.Create).Concat(permissions.Update) : permissions.For(change.Action);
                    return wanted.Except(permissions.Obtains);
                })
                .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
        }

        /// <summary>Throws <see cref="PreflightFailedException"/> naming every missing permission and an engine that does not answer.</summary>
        /// <param name="docker">Probes the engine when the plan builds the module's image; null when nothing is built.</param>
        public static async Task CheckAsync(GoogleCloudSession session, MlflowDeploymentGraph graph, DeploymentApproval approval,
            IDockerProbe? docker, CancellationToken cancellationToken)
        {
            var needed = Needed(graph, approval);
            var builds = docker != null && approval.Approved.Any(c => c.ResourceId == graph.Image.Id && c.Action == ChangeAction.Create)
                && graph.Image is PublishedImageResource;
            var heldTask = needed.Count == 0
                ? Task.FromResult<IReadOnlyList<string>>(Array.Empty<string>())
                : session.ResourceManager.TestIamPermissionsAsync(graph.Spec.ProjectId, needed, cancellationToken);
            var engineTask = builds ? docker!.ProbeAsync(cancellationToken) : Task.FromResult(new DockerProbeResult(true, "not needed"));
            await Task.WhenAll(heldTask, engineTask).ConfigureAwait(false);

            var held = new HashSet<string>(await heldTask.ConfigureAwait(false), StringComparer.Ordinal);
            var missing = needed.Where(p => !held.Contains(p)).ToList();
            var engine = await engineTask.ConfigureAwait(false);
            if (missing.Count > 0 || !engine.Available)
            {
                throw new PreflightFailedException(graph.Spec.ProjectId, missing, engine.Available ? null : engine.Status);
            }
        }
    }
}
