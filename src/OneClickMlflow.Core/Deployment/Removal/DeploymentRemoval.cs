using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Removal
{
    /// <summary>
    /// Removes a deployment: the graph New-MlflowDeployment builds, planned with the removal intent (dependents
    /// first) after the data options are set on the resources that hold data. Every resource of the graph takes part,
    /// so a resource added to the graph is removed by its own <see cref="Resource.PlanRemoval"/>.
    /// </summary>
    public sealed class DeploymentRemoval
    {
        private readonly GoogleCloudSession session;
        private readonly MlflowDeploymentGraph graph;
        private readonly DeploymentEngine engine;

        private DeploymentRemoval(GoogleCloudSession session, MlflowDeploymentGraph graph, DeploymentEngine engine, RemovalOptions options,
            DeploymentPlan plan)
        {
            this.session = session;
            this.graph = graph;
            this.engine = engine;
            Options = options;
            Plan = plan;
        }

        public RemovalOptions Options { get; }

        /// <summary>The deployment's resources as planned for removal.</summary>
        public MlflowDeploymentGraph Graph => graph;

        /// <summary>One change per resource, dependents first: what -WhatIf lists and what is asked about.</summary>
        public DeploymentPlan Plan { get; }

        /// <summary>
        /// Observes the deployment and plans its removal; changes nothing. Each deployment's accounts are its own (the
        /// default deployment's log pusher is kept while deployments that once shared it still list it).
        /// </summary>
        public static async Task<DeploymentRemoval> PlanAsync(GoogleCloudSession session, MlflowDeploymentGraph graph, DeploymentEngine engine,
            RemovalOptions options, CancellationToken cancellationToken)
        {
            options.Validate();
            graph.Bucket.DeleteOnRemoval = options.DeleteData;
            graph.DatabaseInstance.FinalBackupRetentionDays = options.DeleteData ? (int?)null : options.FinalBackupRetentionDays;
            var plan = await engine.PlanAsync(graph.Resources, DeploymentIntent.Remove, cancellationToken).ConfigureAwait(false);
            return new DeploymentRemoval(session, graph, engine, options, plan);
        }

        /// <summary>
        /// The sentence -DeleteData's own confirmation shows: exactly which data this removal destroys for good.
        /// Null when it destroys none (nothing that holds data is left to delete).
        /// </summary>
        public string? DataLoss
        {
            get
            {
                var lost = new List<string>();
                if (Deletes(graph.Bucket))
                {
                    lost.Add($"the artifacts bucket '{graph.Bucket.Name}' is deleted with every object in it (every run's artifacts and models)");
                }

                if (Deletes(graph.DatabaseInstance) && graph.DatabaseInstance.FinalBackupRetentionDays == null)
                {
                    lost.Add($"the Cloud SQL instance '{graph.DatabaseInstance.Name}' is deleted without a final backup " +
                             "(every experiment, run, parameter, metric and tag)");
                }

                return lost.Count == 0 ? null : $"Deployment '{graph.Spec.Names.Name}': {string.Join("; and ", lost)}. This cannot be undone.";
            }
        }

        /// <summary>Applies the approved changes and reports what is gone, what stays and why, and the final backup.</summary>
        public async Task<MlflowDeploymentRemoval> ApplyAsync(DeploymentApproval approval, CancellationToken cancellationToken) =>
            await ApplyAsync(approval, null, cancellationToken).ConfigureAwait(false);

        /// <summary>As <see cref="ApplyAsync(DeploymentApproval, CancellationToken)"/>, each change first passing <paramref name="gate"/>.</summary>
        public async Task<MlflowDeploymentRemoval> ApplyAsync(DeploymentApproval approval, IChangeGate? gate, CancellationToken cancellationToken)
        {
            var run = await engine.ApplyAsync(approval, gate, cancellationToken).ConfigureAwait(false);
            var finalBackup = await FinalBackupAsync(cancellationToken).ConfigureAwait(false);
            return RemovalReport.Build(graph, run, finalBackup);
        }

        private bool Deletes(Resource resource) =>
            Plan.Changes.Any(c => c.ResourceId == resource.Id && c.Action == ChangeAction.Delete);

        /// <summary>The backup this run's delete took, or one an earlier (interrupted) removal left.</summary>
        private async Task<FinalBackupInfo?> FinalBackupAsync(CancellationToken cancellationToken)
        {
            var instance = graph.DatabaseInstance;
            if (Options.DeleteData)
            {
                return null;
            }

            var backups = await session.CloudSql.ListBackupsAsync(graph.Spec.ProjectId, cancellationToken).ConfigureAwait(false);
            var backup = backups.Where(b => b.Instance == instance.Name && b.Type == "FINAL")
                .OrderByDescending(b => b.InstanceDeletionTime ?? DateTimeOffset.MinValue).FirstOrDefault();

            if (backup?.Name == null)
            {
                return null;
            }

            int? days = backup.ExpiryTime.HasValue && backup.InstanceDeletionTime.HasValue
                ? (int)Math.Round((backup.ExpiryTime.Value - backup.InstanceDeletionTime.Value).TotalDays)
                : (int?)null;
            return new FinalBackupInfo(backup.Name, instance.Name, backup.ExpiryTime, days);
        }
    }
}
