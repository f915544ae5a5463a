namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>Google's project id rule: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter.</summary>
    internal static class ProjectIdPattern
    {
        public const string Value = "^[a-z][a-z0-9-]{4,28}[a-z0-9]$";
    }
}
