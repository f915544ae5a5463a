# Test-MlflowPrerequisite from a fresh pwsh against the standalone emulator, seeded over its admin HTTP surface.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $OwnedProject = 'pester-owned'
    $ViewerProject = 'pester-viewer'
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-pester-$PID.env") -Project $OwnedProject
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    $seed = @{
        projectId       = $ViewerProject
        enabledServices = @('storage.googleapis.com', 'serviceusage.googleapis.com')
        iamBindings     = @(@{ role = 'roles/viewer'; members = @("serviceAccount:deployer@$OwnedProject.iam.gserviceaccount.com") })
    } | ConvertTo-Json -Depth 5
    $null = Invoke-RestMethod -Method Post -Uri "$($Emulator.Environment['EMULATOR_URL'])_emulator/projects" -Body $seed -ContentType 'application/json'

    Import-Module $ModulePath -Force
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'Test-MlflowPrerequisite' {
    Context 'a project where the caller is only a viewer and Cloud SQL Admin is not enabled' {
        BeforeAll {
            $Report = Test-MlflowPrerequisite -ProjectId $ViewerProject
        }

        It 'returns one report for that project' {
            @($Report).Count | Should -Be 1
            $Report.ProjectId | Should -Be $ViewerProject
            $Report.GetType().FullName | Should -Be 'OneClickMlflow.Prerequisites.PrerequisiteReport'
        }

        It 'lists the enabled API and the missing one' {
            $Report.EnabledApis | Should -Contain 'storage.googleapis.com'
            $Report.MissingApis | Should -Contain 'sqladmin.googleapis.com'
            $Report.MissingApis | Should -Not -Contain 'storage.googleapis.com'
        }

        It 'lists the permissions a viewer lacks' {
            $Report.MissingPermissions | Where-Object { $_ -like 'cloudsql.*' } | Should -Not -BeNullOrEmpty
        }

        It 'is not ready, and -Quiet says so with a single $false' {
            $Report.Ready | Should -BeFalse
            $quiet = Test-MlflowPrerequisite -ProjectId $ViewerProject -Quiet
            $quiet | Should -BeOfType [bool]
            $quiet | Should -BeFalse
        }

        It 'formats as a list that shows what is missing' {
            $text = $Report | Format-List | Out-String
            $text | Should -Match 'MissingApis\s*:.*sqladmin\.googleapis\.com'
        }
    }

    It 'uses CLOUDSDK_CORE_PROJECT when -ProjectId is not given' {
        (Test-MlflowPrerequisite).ProjectId | Should -Be $OwnedProject
    }

    It 'fails on a project that does not exist with a PermissionDenied error naming it' {
        $failure = $null
        try { Test-MlflowPrerequisite -ProjectId 'no-such-project-7' -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failure.FullyQualifiedErrorId | Should -BeLike 'GooglePermissionDenied,*'
        $failure.ToString() | Should -Match 'no-such-project-7'
    }
}
