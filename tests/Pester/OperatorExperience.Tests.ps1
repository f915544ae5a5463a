# What an operator meets from a fresh pwsh against the standalone emulator: a re-run that keeps what exists, the
# High-impact question of an emptied user list, the preflight of an account that may not set IAM policies, the
# -WhatIf summary, and errors whose next step is the recommended action.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $Project = 'pester-operator'
    $EditorProject = 'pester-operator-editor'
    $Emulator = Enter-TestEmulator -Project $Project -EnvFile (Join-Path $TestDrive 'emulator.env')
    $seed = @{
        projectId       = $EditorProject
        enabledServices = @('serviceusage.googleapis.com')
        iamBindings     = @(@{ role = 'roles/editor'; members = @("serviceAccount:deployer@$Project.iam.gserviceaccount.com") })
    } | ConvertTo-Json -Depth 5
    $null = Invoke-RestMethod -Method Post -Uri "$($Emulator.Environment['EMULATOR_URL'])_emulator/projects" -Body $seed -ContentType 'application/json'
    Import-Module $ModulePath -Force

    $Image = New-TestDeployment -Project $Project -Name 'team-a'
    function Get-Mutations {
        @(Invoke-RestMethod "$($Emulator.Environment['EMULATOR_URL'])_emulator/requests" | ForEach-Object { $_ } | Where-Object mutating).Count
    }
    function Clear-Requests { $null = Invoke-RestMethod -Method Delete "$($Emulator.Environment['EMULATOR_URL'])_emulator/requests" }
}

AfterAll {
    Exit-TestEmulator $Emulator
}

Describe 'A re-run of New-MlflowDeployment' {
    It 'with only the project, region and name keeps the users and the image, and changes nothing' {
        Clear-Requests
        $again = New-MlflowDeployment -ProjectId $Project -Region europe-west1 -Name team-a
        $again.ChangeCount | Should -Be 0
        $again.WebAppUser | Should -Be @('user:alice@example.com')
        $again.Image | Should -Be $Image
        Get-Mutations | Should -Be 0
    }

    It 'asks before an emptied -WebAppUser list locks everyone out, and a session that cannot ask changes nothing' {
        Clear-Requests
        $out = Invoke-FreshPwsh -Command ("Import-Module '$ModulePath'; try { New-MlflowDeployment -ProjectId $Project -Region europe-west1 " +
            "-Name team-a -WebAppUser @() -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.RecommendedAction }")
        $out[0] | Should -BeLike 'ConfirmationUnavailable,*'
        $out[1] | Should -Match '-Confirm:\$false'
        Get-Mutations | Should -Be 0
        (Get-MlflowDeployment -ProjectId $Project -Name team-a).WebAppUser | Should -Be @('user:alice@example.com')
    }
}

Describe 'New-MlflowDeployment -WhatIf' {
    It 'ends with one line that counts the plan' {
        $lines = @(New-MlflowDeployment -ProjectId $Project -Region europe-west1 -Name team-b -Image $Image -WhatIf 6>&1 | ForEach-Object { "$_" })
        $lines[-1] | Should -Match '^What if: Plan: \d+ to create, \d+ to change, 0 to destroy, \d+ unchanged\.$'
    }
}

Describe 'The preflight' {
    It 'stops an editor, who may not set IAM policies, before any change, with the missing permissions and a role' {
        Clear-Requests
        $failure = $null
        try { New-MlflowDeployment -ProjectId $EditorProject -Region europe-west1 -Image (Get-TestImage $EditorProject) -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'PreflightFailed,*'
        $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failure.ErrorDetails.Message | Should -Match 'resourcemanager\.projects\.setIamPolicy'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'gcloud iam roles create'
        Get-Mutations | Should -Be 0
    }
}

Describe 'Errors' {
    It 'carry the next step as the recommended action, not in the message' {
        $failure = $null
        try { New-MlflowDeployment -ProjectId $Project -Region europe-west1x -Image $Image -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidDeploymentInput,*'
        $failure.TargetObject | Should -Be 'europe-west1x'
        $failure.ErrorDetails.Message | Should -Not -Match 'run the command again'
        $failure.ErrorDetails.RecommendedAction | Should -Be 'Correct that parameter and run the command again; nothing was changed.'
    }
}
