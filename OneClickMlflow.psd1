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
            # PSCmdlet_/PSCommand_ name each exported cmdlet: Find-Command and Find-PSResource -CommandName search
            # these tags, and Publish-PSResource adds none of its own.
            Tags         = @('MLflow', 'GoogleCloud', 'GCP', 'AppEngine', 'CloudSQL', 'IAP', 'MLOps', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS',
                'PSIncludes_Cmdlet',
                'PSCmdlet_New-MlflowDeployment', 'PSCommand_New-MlflowDeployment', 'PSCmdlet_Get-MlflowDeployment', 'PSCommand_Get-MlflowDeployment',
                'PSCmdlet_Remove-MlflowDeployment', 'PSCommand_Remove-MlflowDeployment', 'PSCmdlet_Publish-MlflowImage', 'PSCommand_Publish-MlflowImage',
                'PSCmdlet_Test-MlflowPrerequisite', 'PSCommand_Test-MlflowPrerequisite', 'PSCmdlet_Get-MlflowTrackingToken', 'PSCommand_Get-MlflowTrackingToken',
                'PSCmdlet_Start-MlflowTrackingProxy', 'PSCommand_Start-MlflowTrackingProxy', 'PSCmdlet_Stop-MlflowTrackingProxy', 'PSCommand_Stop-MlflowTrackingProxy',
                'PSCmdlet_Get-MlflowTrackingProxy', 'PSCommand_Get-MlflowTrackingProxy')
            ProjectUri   = 'https://github.com/oneclickmlflow/OneClickMlflow'
            LicenseUri   = 'https://github.com/oneclickmlflow/OneClickMlflow/blob/main/LICENSE'
            # A preview until 1.0: installing it takes -Prerelease (Install-PSResource) or -AllowPrerelease (Install-Module).
            Prerelease   = 'preview1'
            ReleaseNotes = @'
First preview.
- New-MlflowDeployment deploys a private MLflow tracking server: the APIs, a network with private services access,
  Cloud SQL for MySQL (private IP, backups, point-in-time recovery), an artifacts bucket, the server image (built
  with the local Docker engine, or -Image) and App Engine flexible behind IAP; re-runs change only what differs,
  -WhatIf and -PlanOnly show the plan.
- Get-MlflowDeployment lists deployments and their drift; Remove-MlflowDeployment removes one, keeping its data
  unless -DeleteData.
- One run at a time per deployment (-LockTimeout waits for another to end, else DeploymentBusy); writes that fail
  for a passing reason are retried without making anything twice.
- Test-MlflowPrerequisite checks APIs, permissions and Docker; Publish-MlflowImage builds and pushes the image;
  Get-MlflowTrackingToken gives training code a token for the server.
- Start-MlflowTrackingProxy serves the tracking server locally with renewed tokens, for runs longer than a token's
  hour; Get-MlflowTrackingProxy lists the running proxies and Stop-MlflowTrackingProxy stops them.
- Tab completion of deployment names, regions, database versions and tiers; help with Get-Help -Online.
- Deployments pipe in also when deserialized (Import-Clixml, Start-Job, remoting) or cut down with Select-Object.
'@
        }
    }
}
