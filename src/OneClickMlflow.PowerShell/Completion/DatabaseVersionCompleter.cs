using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -DatabaseVersion from the MySQL versions Cloud SQL creates.</summary>
    public sealed class DatabaseVersionCompleter : FixedSetCompleter
    {
        public DatabaseVersionCompleter()
            : base(DatabaseSettings.Versions, "Cloud SQL for MySQL version")
        {
        }
    }
}
