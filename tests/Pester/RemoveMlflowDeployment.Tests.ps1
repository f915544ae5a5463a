# Remove-MlflowDeployment from a fresh pwsh against the standalone emulator; gcloud reads back what is left.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-remove'
    $TestImage = Get-TestImage $Project
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-remove-$PID.env") -Project $Project
    $EmulatorUrl = $Emulator.Environment['EMULATOR_URL']
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    Import-Module $ModulePath -Force
    $Deployment = New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1
    # A session that cannot ask (pwsh -NonInteractive, as CI runs it) without -Force: refused, nothing removed.
    $null = Invoke-RestMethod -Method Delete "${EmulatorUrl}_emulator/requests"
    $Refused = @(Invoke-FreshPwsh -Command ("Import-Module '$ModulePath'; try { Remove-MlflowDeployment -ProjectId $Project -Name mlflow -ErrorAction Stop } " +
        'catch { $_.FullyQualifiedErrorId; [string] $_.CategoryInfo.Category; $_.ErrorDetails.Message; $_.ErrorDetails.RecommendedAction }'))
    $MutatedWhenRefused = @(Invoke-RestMethod "${EmulatorUrl}_emulator/requests" | ForEach-Object { $_ } | Where-Object mutating).Count
    $command = "Import-Module '$ModulePath'; Remove-MlflowDeployment -ProjectId $Project -Name mlflow -Force 3>&1 | Out-String -Width 200"
    $Printed = @(Invoke-FreshPwsh -Command $command) -join "`n"
    # Days later: Cloud SQL no longer holds the peering, and a second run finishes the job.
    Invoke-RestMethod -Method Delete -Uri "${EmulatorUrl}_emulator/sql-producer-holds" | Out-Null
    $Finished = Remove-MlflowDeployment -ProjectId $Project -Name mlflow -Force
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'Remove-MlflowDeployment' {
    It 'without -Force in a session that cannot ask, stops with its own error id and removes nothing' {
        $Refused[0] | Should -Be 'ConfirmationUnavailable,OneClickMlflow.PowerShell.Cmdlets.RemoveMlflowDeploymentCommand'
        $Refused[1] | Should -Be 'InvalidOperation'
        $Refused[2] | Should -Match 'Nothing was removed'
        $Refused[3] | Should -Match 'Pass -Force \(or -Confirm:\$false\)'
        $MutatedWhenRefused | Should -Be 0
    }

    It 'prints the report: what was removed, the kept bucket and the final backup' {
        $Printed | Should -Match "Cloud SQL instance 'mlflow-db'"
        $Printed | Should -Match 'ArtifactBucket\s*:\s*mlflow-artifacts-[0-9a-f]{8} \(kept with its objects\)'
        $Printed | Should -Match "FinalBackup\s*:\s*projects/$Project/backups/\S+ \(kept until "
    }

    It 'keeps the peering Cloud SQL still holds, with a warning that says to run it again later' {
        $Printed | Should -Match "Private services connection 'servicenetworking-googleapis-com': kept for now: .*Run Remove-MlflowDeployment again in a few days"
    }

    It 'removes the connection, range and network when run again once Cloud SQL released them' {
        $Finished.Complete | Should -BeTrue
        $Finished.Removed.ResourceId | Should -Contain 'network'
    }

    It 'leaves nothing to remove for a third run' {
        $plan = @(Remove-MlflowDeployment -ProjectId $Project -Name mlflow -PlanOnly)
        @($plan | Where-Object Action -ne 'None').Count | Should -Be 0
    }

    Context 'gcloud reads back what is left' -Skip:(-not (Get-Command gcloud -ErrorAction SilentlyContinue)) {
        BeforeAll {
            Enable-EmulatorGcloud -ConfigDirectory (Join-Path $TestDrive 'gcloud')
        }
        AfterAll {
            Disable-EmulatorGcloud
        }

        It 'lists no Cloud SQL instance' {
            @(gcloud sql instances list --project $Project --format=json | ConvertFrom-Json).Count | Should -Be 0
        }

        It 'lists the final backup of the instance with its expiry' {
            $backups = @(gcloud sql backups list --project $Project --format=json | ConvertFrom-Json)
            $final = $backups | Where-Object { $_.instance -eq 'mlflow-db' -and $_.type -eq 'FINAL' }
            $final | Should -Not -BeNullOrEmpty
            $final.expiryTime | Should -Not -BeNullOrEmpty
        }

        It 'lists neither the network nor the service accounts' {
            (gcloud compute networks list --project $Project --format=json | ConvertFrom-Json).name | Should -Not -Contain 'mlflow-network'
            @(gcloud iam service-accounts list --project $Project --format=json | ConvertFrom-Json).email |
                Should -Not -Contain "mlflow-server@$Project.iam.gserviceaccount.com"
        }

        It 'shows the server version stopped: the default service and the app cannot be deleted' {
            $versions = @(gcloud app versions list --project $Project --format=json | ConvertFrom-Json)
            $served = $versions | Where-Object id -eq $Deployment.ServingVersion
            $served.service | Should -Be 'default'
            $served.version.servingStatus | Should -Be 'STOPPED'
        }

        It 'still describes the artifacts bucket, without the deployment label' {
            $bucket = gcloud storage buckets describe $Deployment.ArtifactDestination --format=json | ConvertFrom-Json
            $bucket.name | Should -Be $Deployment.ArtifactBucket
            $bucket.labels.'oneclick-mlflow' | Should -BeNullOrEmpty
        }
    }
}
