# Deployments that are no longer MlflowDeployment objects (read back with Import-Clixml, received from a job, cut
# down with Select-Object) pipe into every cmdlet that takes a deployment; -Name is the first positional parameter and
# -Project and -Location are aliases, as a user meets them against the standalone emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $Project = 'pester-pipeline'
    $Emulator = Enter-TestEmulator -Project $Project -EnvFile (Join-Path $TestDrive 'emulator.env')
    Import-Module $ModulePath -Force

    $Names = 'team-b', 'tracking'
    $Images = @{}
    foreach ($name in $Names) { $Images[$name] = New-TestDeployment -Project $Project -Name $name }
    $Live = @(Get-MlflowDeployment -ProjectId $Project | Sort-Object Name)
    $SavedFile = Join-Path $TestDrive 'deployments.xml'
    $Live | Export-Clixml -LiteralPath $SavedFile
    $Saved = @(Import-Clixml -LiteralPath $SavedFile)

    function Get-RemovalTarget($Plan) { @($Plan | Where-Object Kind -eq 'Cloud SQL instance').Name }
    # A token names its server without the deployment's trailing slash.
    function Get-ServerOf([string] $Name) { "$(($Live | Where-Object Name -eq $Name).TrackingUri)".TrimEnd('/') }
}

AfterAll {
    Exit-TestEmulator $Emulator
}

Describe 'Deployments read back with Import-Clixml' {
    It 'are deserialized objects, not MlflowDeployment' {
        $Saved.Count | Should -Be 2
        $Saved[0].pstypenames[0] | Should -Be 'Deserialized.OneClickMlflow.Deployment.MlflowDeployment'
    }

    It 'pipe into Get-MlflowDeployment, which reads each one live' {
        $again = @($Saved | Get-MlflowDeployment)
        $again.Name | Should -Be $Names
        $again[0].GetType().FullName | Should -Be 'OneClickMlflow.Deployment.MlflowDeployment'
    }

    It 'pipe into Remove-MlflowDeployment -PlanOnly: each one''s own removal plan, nothing removed' {
        foreach ($deployment in $Saved) {
            $plan = @($deployment | Remove-MlflowDeployment -PlanOnly)
            Get-RemovalTarget $plan | Should -Be "$($deployment.Name)-db"
        }
        (Get-MlflowDeployment -ProjectId $Project).Count | Should -Be 2
    }

    It 'pipe into New-MlflowDeployment -PlanOnly, which finds nothing to change' {
        $plan = @($Saved | New-MlflowDeployment -PlanOnly)
        $plan.Count | Should -BeGreaterThan 10
        @($plan | Where-Object Action -ne 'None' | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
        @($plan | Where-Object Kind -eq 'Cloud SQL instance').Name | Should -Be @('team-b-db', 'tracking-db')
    }

    It 'pipe into Get-MlflowTrackingToken: a token for each deployment''s own server' {
        $tokens = @($Saved | Get-MlflowTrackingToken)
        $tokens.TrackingUri | Should -Be @($Names | ForEach-Object { Get-ServerOf $_ })
    }

    It 'pipe into Test-MlflowPrerequisite, which checks their project' {
        $report = @($Saved | Test-MlflowPrerequisite)
        $report.ProjectId | Should -Be @($Project, $Project)
    }

    It 'get one non-terminating not-found error for a deployment removed since, and the others still run' {
        $gone = Import-Clixml -LiteralPath $SavedFile | Select-Object -First 1
        $gone.Name = 'gone-since'
        $plan = @($gone, $Saved[1] | Remove-MlflowDeployment -PlanOnly -ErrorVariable notFound -ErrorAction SilentlyContinue)
        $notFound.Count | Should -Be 1
        $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $notFound[0].Exception.Message | Should -Match "'gone-since'"
        Get-RemovalTarget $plan | Should -Be 'tracking-db'
    }
}

Describe 'A deployment received from Start-Job' {
    BeforeAll {
        # The job runs in its own pwsh process, which inherits the emulator's environment.
        $job = Start-Job -ScriptBlock {
            Import-Module $using:ModulePath
            Get-MlflowDeployment -ProjectId $using:Project -Name tracking
        }
        $Received = @($job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop)
    }

    It 'arrives deserialized' {
        $Received.Count | Should -Be 1
        $Received[0].pstypenames | Should -Contain 'Deserialized.OneClickMlflow.Deployment.MlflowDeployment'
    }

    It 'pipes into Remove-MlflowDeployment -PlanOnly and Get-MlflowTrackingToken' {
        Get-RemovalTarget ($Received | Remove-MlflowDeployment -PlanOnly) | Should -Be 'tracking-db'
        ($Received | Get-MlflowTrackingToken).TrackingUri | Should -Be (Get-ServerOf tracking)
    }
}

Describe 'Select-Object output' {
    It 'with ProjectId and Name pipes into Remove-MlflowDeployment, Get-MlflowDeployment and Get-MlflowTrackingToken' {
        $picked = Get-MlflowDeployment -ProjectId $Project -Name team-b | Select-Object ProjectId, Name
        Get-RemovalTarget ($picked | Remove-MlflowDeployment -PlanOnly) | Should -Be 'team-b-db'
        ($picked | Get-MlflowDeployment).Name | Should -Be 'team-b'
        ($picked | Get-MlflowTrackingToken).TrackingUri | Should -Be (Get-ServerOf team-b)
    }

    It 'with the deployment''s settings pipes into New-MlflowDeployment, which finds nothing to change' {
        $picked = Get-MlflowDeployment -ProjectId $Project -Name team-b | Select-Object ProjectId, Name, Region, Image, WebAppUser
        $plan = @($picked | New-MlflowDeployment -PlanOnly)
        @($plan | Where-Object Action -ne 'None' | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
        @($plan | Where-Object Kind -eq 'Cloud SQL instance').Name | Should -Be 'team-b-db'
    }
}

Describe 'Positions and aliases' {
    BeforeDiscovery {
        . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
        Import-Module $ModulePath -Force
        $Cmdlets = @(Get-Command -Module OneClickMlflow | ForEach-Object { @{ Cmdlet = $_.Name } })
    }

    Context '<Cmdlet>' -ForEach $Cmdlets {
        It 'takes -Name first by position wherever it has -Name' {
            $command = Get-Command $Cmdlet
            foreach ($set in $command.ParameterSets) {
                $name = $set.Parameters | Where-Object Name -eq Name
                $first = @($set.Parameters | Where-Object Position -eq 0).Name
                if ($name) { $name.Position | Should -Be 0 -Because "parameter set $($set.Name)" }
                elseif ($first) { $first | Should -Not -Contain 'Name' }
            }
        }

        It 'calls -ProjectId also -Project and -Region also -Location' {
            $parameters = (Get-Command $Cmdlet).Parameters
            if ($parameters.ContainsKey('ProjectId')) { $parameters['ProjectId'].Aliases | Should -Contain 'Project' }
            if ($parameters.ContainsKey('Region')) { $parameters['Region'].Aliases | Should -Contain 'Location' }
        }
    }

    It 'runs each cmdlet with the name first and -Project and -Location' {
        (Get-MlflowDeployment team-b -Project $Project).Name | Should -Be 'team-b'
        (Get-MlflowTrackingToken team-b -Project $Project).TrackingUri | Should -Be (Get-ServerOf team-b)
        Get-RemovalTarget (Remove-MlflowDeployment team-b -Project $Project -PlanOnly) | Should -Be 'team-b-db'
        $plan = @(New-MlflowDeployment team-b -Project $Project -Location europe-west1 -Image $Images['team-b'] -WebAppUser user:alice@example.com -PlanOnly)
        @($plan | Where-Object Action -ne 'None' | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
        (Test-MlflowPrerequisite -Project $Project).ProjectId | Should -Be $Project
    }
}
