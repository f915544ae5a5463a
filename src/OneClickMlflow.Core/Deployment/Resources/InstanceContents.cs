namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>What lives inside the Cloud SQL instance (its database and user) and goes when the instance goes.</summary>
    public static class InstanceContents
    {
        /// <summary>The plan reason of such a resource in a removal; the removal report lists it with the instance's fate.</summary>
        public const string Reason = "goes with the Cloud SQL instance";
    }
}
