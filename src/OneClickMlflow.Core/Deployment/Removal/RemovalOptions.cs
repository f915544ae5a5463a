using OneClickMlflow.Deployment.Resources;

namespace OneClickMlflow.Deployment.Removal
{
    /// <summary>What a removal does with the data: by default the artifacts bucket stays and the database leaves a final backup.</summary>
    public sealed class RemovalOptions
    {
        public const int MinFinalBackupDays = 1;
        public const int MaxFinalBackupDays = 365;

        /// <summary>Also delete the artifacts bucket with its objects, and delete the Cloud SQL instance without a final backup.</summary>
        public bool DeleteData { get; set; }

        /// <summary>How long Cloud SQL keeps the final backup of the instance (1-365 days); ignored with <see cref="DeleteData"/>.</summary>
        public int FinalBackupRetentionDays { get; set; } = SqlInstanceResource.DefaultFinalBackupDays;

        /// <summary>Refuses a retention outside Cloud SQL's range, naming -FinalBackupRetentionDays.</summary>
        public void Validate()
        {
            if (FinalBackupRetentionDays < MinFinalBackupDays || FinalBackupRetentionDays > MaxFinalBackupDays)
            {
                throw new InvalidDeploymentInputException(nameof(FinalBackupRetentionDays),
                    $"The final backup can be kept {MinFinalBackupDays} to {MaxFinalBackupDays} days, not {FinalBackupRetentionDays}.");
            }
        }
    }
}
