using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -DatabaseTier from the predefined Cloud SQL tiers of the ENTERPRISE edition.</summary>
    public sealed class DatabaseTierCompleter : FixedSetCompleter
    {
        public DatabaseTierCompleter()
            : base(DatabaseSettings.Tiers, "Cloud SQL tier, ENTERPRISE edition")
        {
        }
    }
}
