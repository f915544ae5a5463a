using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// A deployed MLflow tracking server as New-MlflowDeployment reports it. Property names match the parameters
    /// of the cmdlets it is piped to (ProjectId, Name, Region).
    /// </summary>
    public sealed class MlflowDeployment
    {
        public string Name { get; set; } = "";

        public string ProjectId { get; set; } = "";

        public string Region { get; set; } = "";

        /// <summary>App Engine's location id for the region (e.g. us-central for us-central1).</summary>
        public string AppEngineLocationId { get; set; } = "";

        /// <summary>Where MLflow clients send runs (MLFLOW_TRACKING_URI), from the app's defaultHostname; null before the app exists.</summary>
        public System.Uri? TrackingUri { get; set; }

        /// <summary>The image the server version runs, pinned by digest.</summary>
        public string Image { get; set; } = "";

        /// <summary>The App Engine service of the deployment ('default', or one named after the deployment).</summary>
        public string Service { get; set; } = "";

        /// <summary>The deployment's version receiving the service's traffic (empty before the first).</summary>
        public string ServingVersion { get; set; } = "";

        public bool IapEnabled { get; set; }

        /// <summary>"Google-managed", or the id of the custom OAuth client IAP uses.</summary>
        public string OAuthClient { get; set; } = "";

        /// <summary>Whether web users may mint tokens as the log pusher (no key file needed).</summary>
        public bool KeylessLogging { get; set; }

        /// <summary>The VPC network's name.</summary>
        public string Network { get; set; } = "";

        /// <summary>The project that holds the network (the deployment's own unless a network path said otherwise).</summary>
        public string NetworkProjectId { get; set; } = "";

        /// <summary>
        /// The existing network the deployment was made on (-NetworkName), or null when it made its own; piping a
        /// deployment into New-MlflowDeployment passes it on, so converging never makes a second network.
        /// </summary>
        public string? NetworkName { get; set; }

        /// <summary>
        /// The subnetwork the server runs on (a custom subnet mode network given with -NetworkName), or null; piped into
        /// New-MlflowDeployment as -SubnetworkName, so a re-run keeps it.
        /// </summary>
        public string? SubnetworkName { get; set; }

        /// <summary>The allocated range private services access uses.</summary>
        public string PeeringRange { get; set; } = "";

        public string ArtifactBucket { get; set; } = "";

        /// <summary>MLflow's --artifacts-destination: gs://BUCKET.</summary>
        public string ArtifactDestination { get; set; } = "";

        /// <summary>Where the server image is pushed: Artifact Registry's registryUri, {region}-docker.pkg.dev/{project}/{repository}.</summary>
        public string ImageRepository { get; set; } = "";

        public string LogPusherServiceAccount { get; set; } = "";

        public string ServerServiceAccount { get; set; } = "";

        public IReadOnlyList<string> ServiceAccounts => new[] { LogPusherServiceAccount, ServerServiceAccount };

        /// <summary>The Cloud SQL instance's name.</summary>
        public string DatabaseInstance { get; set; } = "";

        /// <summary>"project:region:instance", as Cloud SQL connectors take it.</summary>
        public string DatabaseConnectionName { get; set; } = "";

        /// <summary>The instance's private address on the network (empty until it runs).</summary>
        public string DatabasePrivateIp { get; set; } = "";

        /// <summary>The MySQL version the instance runs, e.g. MYSQL_8_4.</summary>
        public string DatabaseVersion { get; set; } = "";

        /// <summary>The secret holding the database password: its resource name, never its value.</summary>
        public string DatabasePasswordSecret { get; set; } = "";

        /// <summary>IAM members to be let through IAP.</summary>
        public IReadOnlyList<string> WebAppUser { get; set; } = new List<string>();

        /// <summary>What this run did to each resource (including those already as wanted).</summary>
        public IReadOnlyList<ResourceRunRecord> Changes { get; set; } = new List<ResourceRunRecord>();

        /// <summary>The engine's report of the run: timings per resource, wall time, critical path.</summary>
        public DeploymentRunReport? Run { get; set; }

        /// <summary>What New-MlflowDeployment would change to bring the deployment to its wanted state (Get-MlflowDeployment).</summary>
        public IReadOnlyList<PlannedChange> Drift { get; set; } = new List<PlannedChange>();

        /// <summary>True when no resource differs from what New-MlflowDeployment makes.</summary>
        public bool InSync => Drift.Count == 0;

        /// <summary>How many resources this run created, updated or deleted.</summary>
        public int ChangeCount => Changes.Count(c => c.Outcome == ResourceOutcome.Succeeded);
    }
}
