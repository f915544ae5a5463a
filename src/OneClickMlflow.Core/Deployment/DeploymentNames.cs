using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The one naming scheme of a deployment: every Google resource name derives from the project and the
    /// deployment name, so a re-run (or Remove-MlflowDeployment) finds exactly what an earlier run made.
    /// </summary>
    public sealed class DeploymentNames
    {
        public const string DefaultName = "mlflow";
        public const string LabelKey = "oneclick-mlflow";

        /// <summary>The bucket label recording whether web users may mint log pusher tokens ("on" or "off").</summary>
        public const string KeylessLoggingLabelKey = "oneclick-mlflow-keyless";
        public const string DatabaseName = "mlflow";
        public const string DatabaseUserName = "mlflow";
        /// <summary>
        /// The log pusher account every deployment of a project once shared: now the default deployment's own (its
        /// name derives to the same id), and migrated away from by the others on their next run.
        /// </summary>
        public const string SharedLogPusherServiceAccountId = "mlflow-log-pusher";

        private const int MaxServiceAccountIdLength = 30;
        public const string AppEngineServiceName = "default";
        public const string ImageName = "mlflow";

        private DeploymentNames(string projectId, string name)
        {
            ProjectId = projectId;
            Name = name;
        }

        /// <summary>Validates both values and derives every name; throws <see cref="InvalidDeploymentInputException"/>.</summary>
        public static DeploymentNames For(string projectId, string name = DefaultName) =>
            new DeploymentNames(
                DeploymentInputValidator.ValidateProjectId(projectId),
                DeploymentInputValidator.ValidateDeploymentName(name));

        public string ProjectId { get; }

        /// <summary>The deployment name (-Name), also the label value.</summary>
        public string Name { get; }

        public string NetworkName => Name + "-network";

        /// <summary>The allocated range for private services access (Cloud SQL's private IP).</summary>
        public string PeeringRangeName => Name + "-psa-range";

        /// <summary>Globally unique yet stable for this project and deployment: name, "-artifacts-", 8 hex digits.</summary>
        public string BucketName => $"{Name}-artifacts-{ShortHash(ProjectId + "/" + Name)}";

        /// <summary>Where the server stores artifacts (the image's ARTIFACT_DESTINATION): the whole bucket.</summary>
        public string ArtifactDestination => "gs://" + BucketName;

        /// <summary>The deployment an artifact destination (gs://NAME-artifacts-HASH) belongs to, or null for any other.</summary>
        public static string? DeploymentOfArtifactDestination(string? destination)
        {
            var match = destination == null ? null : ArtifactDestinationPattern.Match(destination);
            return match != null && match.Success ? match.Groups[1].Value : null;
        }

        private static readonly System.Text.RegularExpressions.Regex ArtifactDestinationPattern =
            new System.Text.RegularExpressions.Regex(@"\Ags://([a-z][a-z0-9-]*)-artifacts-[0-9a-f]{8}\z");

        public string SqlInstanceName => Name + "-db";

        public string DatabasePasswordSecretName => Name + "-db-password";

        public string ArtifactRepositoryName => Name;

        public string ServerServiceAccountId => Name + "-server";

        /// <summary>
        /// The deployment's own log pusher, NAME-log-pusher (so the default deployment 'mlflow' keeps the original
        /// tool's mlflow-log-pusher); NAME-pusher when that would pass the 30 characters of an account id.
        /// </summary>
        public string LogPusherServiceAccountId =>
            (Name + "-log-pusher").Length <= MaxServiceAccountIdLength ? Name + "-log-pusher" : Name + "-pusher";

        public string LogPusherServiceAccountEmail => ServiceAccountEmail(LogPusherServiceAccountId);

        /// <summary>The log pusher the project's deployments shared before each had its own.</summary>
        public string SharedLogPusherServiceAccountEmail => ServiceAccountEmail(SharedLogPusherServiceAccountId);

        /// <summary>
        /// The accounts a client may sign tokens as for this deployment, in order: its own log pusher, then (while the
        /// deployment has not moved off it yet) the one deployments once shared.
        /// </summary>
        public IReadOnlyList<string> LogPusherCandidates => OwnsSharedLogPusher
            ? new[] { LogPusherServiceAccountEmail }
            : new[] { LogPusherServiceAccountEmail, SharedLogPusherServiceAccountEmail };

        /// <summary>Whether this deployment's own log pusher is the account deployments once shared (the default deployment's).</summary>
        public bool OwnsSharedLogPusher => LogPusherServiceAccountId == SharedLogPusherServiceAccountId;

        public string ServerServiceAccountEmail => ServiceAccountEmail(ServerServiceAccountId);

        public string LabelValue => Name;

        /// <summary>The labels put on every resource that takes labels.</summary>
        public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { [LabelKey] = LabelValue };

        /// <summary>The image reference in Artifact Registry, e.g. us-central1-docker.pkg.dev/p/mlflow/mlflow:tag.</summary>
        public string ImageUri(string region, string tag) =>
            $"{region}-docker.pkg.dev/{ProjectId.Replace(':', '/')}/{ArtifactRepositoryName}/{ImageName}:{tag}";

        /// <summary>A service account's e-mail; domain-scoped projects ("example.com:p") use "p.example.com".</summary>
        public string ServiceAccountEmail(string accountId)
        {
            var colon = ProjectId.IndexOf(':');
            var projectPart = colon < 0 ? ProjectId : ProjectId.Substring(colon + 1) + "." + ProjectId.Substring(0, colon);
            return $"{accountId}@{projectPart}.iam.gserviceaccount.com";
        }

        private static string ShortHash(string value)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(value));
            var hex = new StringBuilder();
            for (var i = 0; i < 4; i++)
            {
                hex.Append(hash[i].ToString("x2"));
            }

            return hex.ToString();
        }
    }
}
