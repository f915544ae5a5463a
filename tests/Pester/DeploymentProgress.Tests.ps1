# A deployment run as CI runs it (pwsh -NonInteractive, output redirected to a file): its log shows each milestone.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-progress'
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-progress-$PID.env") -Project $Project
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    # Without the CI services' variables: a redirected, non-interactive run is enough to log milestones.
    $script = Join-Path $TestDrive 'deploy.ps1'
    Set-Content -LiteralPath $script -Value @"
Remove-Item Env:CI, Env:TF_BUILD, Env:GITHUB_ACTIONS -ErrorAction SilentlyContinue
Import-Module '$ModulePath'
`$null = New-MlflowDeployment -Image $(Get-TestImage $Project) -ProjectId $Project -Region europe-west1 -ErrorAction Stop
"@
    $LogFile = Join-Path $TestDrive 'log.txt'
    $executable = (Get-Process -Id $PID).Path
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $executable @prefix -NoProfile -NoLogo -NonInteractive -File $script *> $LogFile
    $ExitCode = $LASTEXITCODE
    $Log = @(Get-Content -LiteralPath $LogFile)
    $Text = $Log -join "`n"
}

AfterAll {
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'A deployment whose output goes to a log' {
    It 'succeeds' {
        $ExitCode | Should -Be 0 -Because ($Log -join "`n")
    }

    It 'logs the start of the apply with the expected duration' {
        $Text | Should -Match '(?m)^\[\d+:\d\d\] Applying \d+ changes, expected to take about \d+:\d\d$'
    }

    It 'logs each change as it starts and as it ends, with its time and the count done' {
        $Text | Should -Match "(?m)^\[\d+:\d\d\] Compute network 'mlflow-network': create started$"
        $Text | Should -Match "(?m)^\[\d+:\d\d\] Compute network 'mlflow-network': created in \d+:\d\d \(\d+ of \d+ done\)$"
        $Text | Should -Match "(?m)^\[\d+:\d\d\] Cloud SQL instance 'mlflow-db': create started, usually takes about 10:00$"
        $Text | Should -Match "(?m)^\[\d+:\d\d\] App Engine version 'v-[0-9a-f]{12}-[0-9a-f]{6}': created in \d+:\d\d \(\d+ of \d+ done\)"
    }

    It 'ends with every change done' {
        ($Log | Where-Object { $_ -match '^\[\d+:\d\d\] ' } | Select-Object -Last 1) | Should -Match '\((\d+) of \1 done\); all done after \d+:\d\d$'
    }
}
