namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>What applies when a parameter is left out, in the words Get-Help shows ([PSDefaultValue(Help = ...)]).</summary>
    internal static class ParameterDefaults
    {
        public const string ProjectId = "CLOUDSDK_CORE_PROJECT, then gcloud's core/project";
        public const string ImpersonateServiceAccount = "gcloud's auth/impersonate_service_account, else none";
    }
}
