using System.Collections.Generic;
using System.Security;

namespace OneClickMlflow.Deployment
{
    /// <summary>The parameters of New-MlflowDeployment as the user gave them.</summary>
    public sealed class DeploymentInput
    {
        public string? ProjectId { get; set; }
        public string? Name { get; set; }
        public string? Region { get; set; }
        /// <summary>The members IAP lets through; null keeps those it lets through now, an empty list revokes them all.</summary>
        public IEnumerable<string>? WebAppUsers { get; set; }

        /// <summary>An existing network to use; null means the deployment's own network.</summary>
        public string? NetworkName { get; set; }

        /// <summary>The subnetwork of <see cref="NetworkName"/> in the region, for a custom subnet mode network; null chooses the region's only one.</summary>
        public string? SubnetworkName { get; set; }

        /// <summary>Cloud SQL's version name, e.g. MYSQL_8_4; null means <see cref="DatabaseSettings.DefaultVersion"/>.</summary>
        public string? DatabaseVersion { get; set; }

        /// <summary>The machine tier, e.g. db-g1-small; null means <see cref="DatabaseSettings.DefaultTier"/>.</summary>
        public string? DatabaseTier { get; set; }

        /// <summary>Days of automated backups kept; null means <see cref="DatabaseSettings.DefaultBackupRetentionDays"/>.</summary>
        public int? BackupRetentionDays { get; set; }

        /// <summary>Days the artifacts bucket keeps an object's noncurrent versions; null keeps the bucket's rule (30 on a new bucket).</summary>
        public int? NoncurrentVersionDays { get; set; }

        /// <summary>The server image, HOST/PATH[:TAG] (pinned to the digest the registry serves before planning) or HOST/PATH@sha256:HEX; null keeps the image the deployment serves (a new deployment: the module's own).</summary>
        public string? Image { get; set; }

        /// <summary>Build and publish the module's own image again and serve it, instead of keeping the serving image.</summary>
        public bool RebuildImage { get; set; }

        /// <summary>The App Engine service; null chooses 'default' or the deployment's own service.</summary>
        public string? Service { get; set; }

        public string? OAuthClientId { get; set; }

        public SecureString? OAuthClientSecret { get; set; }

        /// <summary>True lets this deployment change the app's OAuth client although other deployments rely on the current one.</summary>
        public bool ChangeSharedOAuthClient { get; set; }

        /// <summary>True stops web users from minting tokens as the log pusher (and removes the grants made before); false turns it on; null keeps it.</summary>
        public bool? NoKeylessLogging { get; set; }

        public double? Cpu { get; set; }
        public double? MemoryGb { get; set; }
        public double? DiskGb { get; set; }
        public int? MinInstances { get; set; }
        public int? MaxInstances { get; set; }

        /// <summary>Want the server as it runs (Get-MlflowDeployment): image, web users, OAuth client and keyless logging are read, not given.</summary>
        public bool ServerSettingsFromLive { get; set; }
    }

    /// <summary>Parameters that passed validation, in the forms the resources use.</summary>
    public sealed class ValidatedDeploymentInput
    {
        internal ValidatedDeploymentInput(DeploymentNames names, string region, string appEngineLocationId,
            IReadOnlyList<string> webAppUsers, NetworkReference network, string? subnetworkName, DatabaseSettings database, ServerSettings server)
        {
            Server = server;
            Database = database;
            Names = names;
            Region = region;
            AppEngineLocationId = appEngineLocationId;
            WebAppUsers = webAppUsers;
            Network = network;
            SubnetworkName = subnetworkName;
        }

        public DeploymentNames Names { get; }
        public string ProjectId => Names.ProjectId;
        public string Region { get; }

        /// <summary>App Engine's id for <see cref="Region"/> ("us-central" for "us-central1").</summary>
        public string AppEngineLocationId { get; }

        /// <summary>IAM members allowed through IAP, normalised and without duplicates.</summary>
        public IReadOnlyList<string> WebAppUsers { get; }

        public NetworkReference Network { get; }

        /// <summary>-SubnetworkName: a subnetwork of <see cref="Network"/> in <see cref="Region"/>, or null.</summary>
        public string? SubnetworkName { get; }

        /// <summary>The Cloud SQL instance's version, tier and backups.</summary>
        public DatabaseSettings Database { get; }

        /// <summary>The App Engine version, service, IAP client and keyless logging.</summary>
        public ServerSettings Server { get; }

        /// <summary>-NoncurrentVersionDays, validated; null keeps what the bucket has.</summary>
        public int? NoncurrentVersionDays { get; internal set; }
    }
}
