#!/usr/bin/env pwsh
# Deploys into a fresh emulator whose operations take their real-world durations scaled down, then runs the same
# deployment again (nothing to do). For each run: wall time (whole command, and the apply alone), the critical path
# of the resource graph (the longest chain of apply durations in the engine's run report), their ratios (an apply
# ratio of 1.0 means the schedule lost nothing to ordering; the rest of the wall time is reading and planning), and
# the number of requests. The Cloud SQL instance (8 minutes real) dominates: the figures show when it started
# (it waits only for private services access) and how long it took. Not a timed test: figures vary with the machine.
[CmdletBinding()]
param(
    [ValidateRange(0.001, 1)] [double] $LatencyScale = 0.02,
    [string] $Region = 'europe-west1',
    [string] $Image = 'europe-west1-docker.pkg.dev/bench-deploy/mlflow/mlflow@sha256:' + ('0123456789abcdef' * 4),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [string] $EmulatorDll = (Join-Path $PSScriptRoot '../out/emulator/OneClickMlflow.Emulator.dll')
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
if (-not (Test-Path $EmulatorDll)) {
    dotnet build (Join-Path $PSScriptRoot '../tests/OneClickMlflow.Emulator/OneClickMlflow.Emulator.csproj') -o (Split-Path $EmulatorDll) --nologo -v quiet | Out-Null
}
Import-Module (Join-Path $PSScriptRoot '../tools/EmulatorProcess.psm1') -Force

$project = 'bench-deploy'
$emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-bench-$PID.env") -Project $project
$saved = @{}
foreach ($name in $emulator.Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
try {
    Set-EmulatorEnvironment -Environment $emulator.Environment
    $admin = "$($emulator.Environment['EMULATOR_URL'])_emulator"
    $null = Invoke-RestMethod -Method Put "$admin/latency" -ContentType 'application/json' `
        -Body (@{ profile = 'realistic'; scale = $LatencyScale } | ConvertTo-Json)
    Import-Module $ModulePath -Force

    function Measure-Deployment([string] $Label) {
        $null = Invoke-RestMethod -Method Delete "$admin/requests"
        $deployment = $null
        $wall = Measure-Command { $deployment = New-MlflowDeployment -ProjectId $project -Region $Region -Image $Image -WebAppUser user:alice@example.com }
        $requests = @(Invoke-RestMethod "$admin/requests" | ForEach-Object { $_ })
        $path = $deployment.Run.CriticalPath()
        $instance = $deployment.Changes | Where-Object ResourceId -eq 'sql-instance'
        $version = $deployment.Changes | Where-Object ResourceId -eq 'server-version'
        $since = { param($record) if ($record.StartedAt) { [math]::Round(($record.StartedAt - $deployment.Run.StartedAt).TotalSeconds, 2) } else { 'n/a' } }
        $ratio = { param($seconds) if ($path.Total.TotalSeconds -gt 0) { [math]::Round($seconds / $path.Total.TotalSeconds, 2) } else { 'n/a' } }
        [pscustomobject]@{
            Run                 = $Label
            WallSeconds         = [math]::Round($wall.TotalSeconds, 2)
            ApplySeconds        = [math]::Round($deployment.Run.WallTime.TotalSeconds, 2)
            CriticalPathSeconds = [math]::Round($path.Total.TotalSeconds, 2)
            CriticalPath        = $path.ResourceIds -join ' -> '
            WallToCriticalPath  = & $ratio $wall.TotalSeconds
            ApplyToCriticalPath = & $ratio $deployment.Run.WallTime.TotalSeconds
            InstanceStartSeconds = & $since $instance
            InstanceSeconds     = [math]::Round($instance.Duration.TotalSeconds, 2)
            VersionStartSeconds = & $since $version
            VersionSeconds      = [math]::Round($version.Duration.TotalSeconds, 2)
            ServingVersion      = $deployment.ServingVersion
            Changes             = $deployment.ChangeCount
            Requests            = $requests.Count
            MutatingRequests    = @($requests | Where-Object mutating).Count
            SqlRequests         = @($requests | Where-Object api -eq 'sql').Count
            AppEngineRequests   = @($requests | Where-Object api -eq 'appengine').Count
        }
    }

    Write-Host "Emulator latency: realistic x $LatencyScale"
    Measure-Deployment 'first run'
    Measure-Deployment 'no-op re-run'
}
finally {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    Set-EmulatorEnvironment -Environment $saved
    Stop-EmulatorProcess $emulator
}
