@{
    # The module version is kept here only: Directory.Build.props reads it for the assemblies.
    ModuleVersion        = '0.1.0'
    RootModule           = 'OneClickMlflow.PowerShell.dll'
    GUID                 = '5b0f2f4e-8d0c-4a57-9a51-3f3c6f2a9d41'
    Author               = 'OneClickMlflow contributors'
    CompanyName          = 'OneClickMlflow contributors'
    Copyright            = '(c) OneClickMlflow contributors. Apache License 2.0.'
    Description          = 'Deploys a private, IAP-secured MLflow tracking server on Google Cloud: Cloud SQL (private IP), a GCS artifacts bucket, an Artifact Registry image and App Engine flexible behind Identity-Aware Proxy.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('OneClickMlflow.Format.ps1xml')
    # Listed explicitly: a wildcard makes command discovery load the assembly.
    CmdletsToExport      = @('New-MlflowDeployment', 'Get-MlflowDeployment', 'Remove-MlflowDeployment', 'Publish-MlflowImage', 'Test-MlflowPrerequisite', 'Get-MlflowTrackingToken', 'Start-MlflowTrackingProxy', 'Stop-MlflowTrackingProxy', 'Get-MlflowTrackingProxy')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MLflow', 'GoogleCloud', 'GCP', 'AppEngine', 'CloudSQL', 'IAP', 'MLOps', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/oneclickmlflow/OneClickMlflow'
            LicenseUri   = 'https://github.com/oneclickmlflow/OneClickMlflow/blob/main/LICENSE'
            ReleaseNotes = 'First preview: Test-MlflowPrerequisite.'
        }
    }
}
