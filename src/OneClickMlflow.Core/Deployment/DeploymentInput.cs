using System.Collections.Generic;

namespace OneClickMlflow.Deployment
{
    /// <summary>The parameters of New-MlflowDeployment as the user gave them.</summary>
    public sealed class DeploymentInput
    {
        public string? ProjectId { get; set; }
        public string? Name { get; set; }
        public string? Region { get; set; }
        public IEnumerable<string>? WebAppUsers { get; set; }

        /// <summary>An existing network to use; null means the deployment's own network.</summary>
        public string? NetworkName { get; set; }

        /// <summary>Cloud SQL's version name, e.g. MYSQL_8_4; null means <see cref="DatabaseSettings.DefaultVersion"/>.</summary>
        public string? DatabaseVersion { get; set; }

        /// <summary>The machine tier, e.g. db-g1-small; null means <see cref="DatabaseSettings.DefaultTier"/>.</summary>
        public string? DatabaseTier { get; set; }

        /// <summary>Days of automated backups kept; null means <see cref="DatabaseSettings.DefaultBackupRetentionDays"/>.</summary>
        public int? BackupRetentionDays { get; set; }
    }

    /// <summary>Parameters that passed validation, in the forms the resources use.</summary>
    public sealed class ValidatedDeploymentInput
    {
        internal ValidatedDeploymentInput(DeploymentNames names, string region, string appEngineLocationId,
            IReadOnlyList<string> webAppUsers, NetworkReference network, DatabaseSettings database)
        {
            Database = database;
            Names = names;
            Region = region;
            AppEngineLocationId = appEngineLocationId;
            WebAppUsers = webAppUsers;
            Network = network;
        }

        public DeploymentNames Names { get; }
        public string ProjectId => Names.ProjectId;
        public string Region { get; }

        /// <summary>App Engine's id for <see cref="Region"/> ("us-central" for "us-central1").</summary>
        public string AppEngineLocationId { get; }

        /// <summary>IAM members allowed through IAP, normalised and without duplicates.</summary>
        public IReadOnlyList<string> WebAppUsers { get; }

        public NetworkReference Network { get; }

        /// <summary>The Cloud SQL instance's version, tier and backups.</summary>
        public DatabaseSettings Database { get; }
    }
}
