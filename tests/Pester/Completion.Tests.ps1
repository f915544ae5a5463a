# Tab completion as a user presses Tab (TabExpansion2) with the built module: -Name offers the project's
# deployments, read from Google (the emulator), and says nothing when it cannot ask; -DatabaseTier offers tiers.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $Project = 'pester-completion'
    $Emulator = Enter-TestEmulator -Project $Project -EnvFile (Join-Path $TestDrive 'emulator.env')
    Import-Module $ModulePath -Force

    $Images = @{}
    foreach ($name in 'tracking', 'team-b') { $Images[$name] = New-TestDeployment -Project $Project -Name $name }

    function Complete([string] $Line) { @((TabExpansion2 $Line $Line.Length).CompletionMatches) }
}

AfterAll {
    Exit-TestEmulator $Emulator
}

Describe '<Command> -Name <Tab>' -ForEach @(
    @{ Command = 'Get-MlflowDeployment' }
    @{ Command = 'New-MlflowDeployment' }
    @{ Command = 'Remove-MlflowDeployment' }
    @{ Command = 'Get-MlflowTrackingToken' }
) {
    It 'offers the deployments of the project given with -ProjectId' {
        $offered = Complete "$Command -ProjectId $Project -Name "
        $offered.CompletionText | Should -Be @('team-b', 'tracking')
        $offered[0].ToolTip | Should -Match $Project
    }

    It 'offers those that start with what was typed' {
        (Complete "$Command -ProjectId $Project -Name tr").CompletionText | Should -Be @('tracking')
    }
}

Describe '-Name completion' {
    It 'uses gcloud''s project when -ProjectId is not typed' {
        $env:CLOUDSDK_CORE_PROJECT | Should -Be $Project
        (Complete 'Get-MlflowDeployment -Name t').CompletionText | Should -Be @('team-b', 'tracking')
    }

    It 'uses the project given with the alias -Project' {
        (Complete "Remove-MlflowDeployment -Project $Project -Name te").CompletionText | Should -Be @('team-b')
    }

    It 'offers nothing, quietly and at once, for a project it may not read' {
        $errors = $Error.Count
        $elapsed = Measure-Command { $script:Offered = Complete 'Get-MlflowDeployment -ProjectId no-such-project-7 -Name ' }
        $Offered | Should -BeNullOrEmpty
        $Error.Count | Should -Be $errors
        $elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'offers nothing within its two seconds when Google does not answer' {
        # A listening socket that never answers: the bucket listing hangs until the deadline.
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $saved = $env:CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE
        try {
            $env:CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/storage/storage/v1/"
            $errors = $Error.Count
            $elapsed = Measure-Command { $script:Offered = Complete 'Get-MlflowDeployment -ProjectId silent-project -Name ' }
            $Offered | Should -BeNullOrEmpty
            $Error.Count | Should -Be $errors
            $elapsed.TotalSeconds | Should -BeLessThan 4
        }
        finally {
            $env:CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE = $saved
            $listener.Stop()
        }
    }
}

Describe 'New-MlflowDeployment -DatabaseTier <Tab>' {
    It 'offers the Cloud SQL tiers that start with what was typed' {
        (Complete 'New-MlflowDeployment -DatabaseTier db-g').CompletionText | Should -Be @('db-g1-small')
        $standard = (Complete 'New-MlflowDeployment -DatabaseTier db-n1-standard-').CompletionText
        $standard | Should -Contain 'db-n1-standard-1'
        $standard | Should -Contain 'db-n1-standard-96'
    }

    It 'offers only tiers New-MlflowDeployment accepts' {
        $tiers = (Complete 'New-MlflowDeployment -DatabaseTier ').CompletionText
        $tiers.Count | Should -BeGreaterThan 10
        foreach ($tier in $tiers) {
            $plan = New-MlflowDeployment -ProjectId $Project -Region europe-west1 -Name tracking -DatabaseTier $tier -Image $Images['tracking'] -PlanOnly
            $plan | Should -Not -BeNullOrEmpty -Because $tier
        }
    }
}
