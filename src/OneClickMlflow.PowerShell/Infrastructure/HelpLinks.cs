namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Where Get-Help -Online goes: each cmdlet's page under docs/ in the repository the manifest's ProjectUri names
    /// (the same markdown the installed help is built from). Also the first related link of each help topic.
    /// </summary>
    internal static class HelpLinks
    {
        private const string Docs = "https://github.com/oneclickmlflow/OneClickMlflow/blob/main/docs/";

        public const string NewMlflowDeployment = Docs + "New-MlflowDeployment.md";
        public const string GetMlflowDeployment = Docs + "Get-MlflowDeployment.md";
        public const string RemoveMlflowDeployment = Docs + "Remove-MlflowDeployment.md";
        public const string PublishMlflowImage = Docs + "Publish-MlflowImage.md";
        public const string TestMlflowPrerequisite = Docs + "Test-MlflowPrerequisite.md";
        public const string GetMlflowTrackingToken = Docs + "Get-MlflowTrackingToken.md";
        public const string StartMlflowTrackingProxy = Docs + "Start-MlflowTrackingProxy.md";
        public const string StopMlflowTrackingProxy = Docs + "Stop-MlflowTrackingProxy.md";
        public const string GetMlflowTrackingProxy = Docs + "Get-MlflowTrackingProxy.md";
    }
}
