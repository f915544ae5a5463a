using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -Region from the Google Cloud regions App Engine serves.</summary>
    public sealed class RegionCompleter : FixedSetCompleter
    {
        public RegionCompleter()
            : base(AppEngineLocations.Regions, "App Engine location")
        {
        }
    }
}
