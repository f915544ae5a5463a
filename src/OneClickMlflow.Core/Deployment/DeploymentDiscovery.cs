using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment
{
    /// <summary>A deployment found in a project: its name and region, and the OAuth client it relies on.</summary>
    public sealed class DeploymentLocation
    {
        public DeploymentLocation(string name, string region, string? oauthClientId = null)
        {
            Name = name;
            Region = region;
            OAuthClientId = oauthClientId;
        }

        public string Name { get; }

        public string Region { get; }

        /// <summary>
        /// The OAuth client the deployment was made with, from its bucket's <see cref="OAuthClientLabel.Key"/> label:
        /// empty for Google's managed client, null when not recorded (a deployment made before the label existed).
        /// </summary>
        public string? OAuthClientId { get; }
    }

    /// <summary>
    /// Finds the deployments of a project, and what New-MlflowDeployment was given for one, from what Google holds:
    /// the oneclick-mlflow label of the artifacts buckets (with the oneclick-mlflow-oauth label, the OAuth client each
    /// relies on), and the private network of the Cloud SQL instance.
    /// Only reads.
    /// </summary>
    public static class DeploymentDiscovery
    {
        /// <summary>Each labelled bucket is one deployment: the label value is its name, the bucket's location its region.</summary>
        public static Task<IReadOnlyList<DeploymentLocation>> FindAsync(GoogleCloudSession session, string projectId,
            Func<string, bool>? nameMatches, CancellationToken cancellationToken) =>
            FindAsync(session.Storage, projectId, nameMatches, cancellationToken);

        /// <summary>As above, with the storage client alone (one bucket listing).</summary>
        public static async Task<IReadOnlyList<DeploymentLocation>> FindAsync(StorageClient storage, string projectId,
            Func<string, bool>? nameMatches, CancellationToken cancellationToken)
        {
            var buckets = await storage.ListBucketsAsync(projectId, cancellationToken).ConfigureAwait(false);
            return buckets
                .Where(b => b.Labels != null && b.Labels.ContainsKey(DeploymentNames.LabelKey) && b.Location != null)
                .Select(b => new DeploymentLocation(b.Labels![DeploymentNames.LabelKey], b.Location!.ToLowerInvariant(),
                    OAuthClientLabel.ClientIdOf(b.Labels.TryGetValue(OAuthClientLabel.Key, out var oauth) ? oauth : null)))
                .Where(d => nameMatches == null || nameMatches(d.Name))
                .GroupBy(d => d.Name, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(d => d.Name, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>
        /// One deployment by name, labelled or not (a removal takes the label off a bucket it keeps): the region of
        /// its bucket, else of its Cloud SQL instance. Null when neither exists.
        /// </summary>
        public static async Task<DeploymentLocation?> FindByNameAsync(GoogleCloudSession session, string projectId, string name,
            CancellationToken cancellationToken)
        {
            var names = DeploymentNames.For(projectId, name);
            var bucket = await session.Storage.GetBucketAsync(names.BucketName, cancellationToken).ConfigureAwait(false);
            if (bucket?.Location != null)
            {
                return new DeploymentLocation(name, bucket.Location.ToLowerInvariant());
            }

            var instance = await session.CloudSql.GetInstanceAsync(projectId, names.SqlInstanceName, cancellationToken).ConfigureAwait(false);
            if (instance?.Region != null)
            {
                return new DeploymentLocation(name, instance.Region);
            }

            // Only the network may be left (its peering outlives a deleted instance by days): a project's App Engine
            // application never moves, so its region is the deployment's.
            var network = await session.Compute.GetNetworkAsync(projectId, names.NetworkName, cancellationToken).ConfigureAwait(false);
            var app = network == null ? null : await session.AppEngine.GetApplicationAsync(projectId, cancellationToken).ConfigureAwait(false);
            var region = app?.LocationId == null ? null : AppEngineLocations.RegionOf(app.LocationId);
            return region == null ? null : new DeploymentLocation(name, region);
        }

        /// <summary>The spec New-MlflowDeployment was run with, as far as Google shows it: name, region and network.</summary>
        public static async Task<MlflowDeploymentSpec> SpecOfAsync(GoogleCloudSession session, string projectId, DeploymentLocation deployment,
            CancellationToken cancellationToken)
        {
            var networkName = await ExistingNetworkAsync(session, projectId, deployment.Name, cancellationToken).ConfigureAwait(false);
            return MlflowDeploymentSpec.From(new DeploymentInput
            {
                ProjectId = projectId, Name = deployment.Name, Region = deployment.Region, NetworkName = networkName,
                // The caller's image, web users and OAuth client are unknown here: the server as it runs is the wanted one.
                ServerSettingsFromLive = true,
            });
        }

        /// <summary>
        /// The network a deployment was made on, read from its Cloud SQL instance's private network: null when it is
        /// the deployment's own NAME-network (or there is no instance), otherwise the reused network, so a plan
        /// compares against what New-MlflowDeployment -NetworkName made instead of a missing own network.
        /// </summary>
        public static async Task<string?> ExistingNetworkAsync(GoogleCloudSession session, string projectId, string name,
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
