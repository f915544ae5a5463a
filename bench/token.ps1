#!/usr/bin/env pwsh
# Times Get-MlflowTrackingToken against the standalone emulator: the first call (signJwt) and the cached calls
# that follow (median of -Runs), in this process.
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [string] $EmulatorDll = (Join-Path $PSScriptRoot '../out/emulator/OneClickMlflow.Emulator.dll'),
    [ValidateRange(1, 1000)] [int] $Runs = 101
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
if (-not (Test-Path $EmulatorDll)) { throw "Build the emulator first: ./build.ps1 Test (or Demo)" }
Import-Module (Join-Path $PSScriptRoot '../tools/EmulatorProcess.psm1') -Force

$project = 'bench-token'
$emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-bench-token-$PID.env") -Project $project
try {
    Set-EmulatorEnvironment -Environment $emulator.Environment
    # A key request makes the log pusher account; the deployer (project owner) signs as it through signJwt.
    $null = Invoke-RestMethod -Method Post -Uri "$($emulator.Environment['EMULATOR_URL'])_emulator/keys" -ContentType 'application/json' `
        -Body (@{ projectId = $project; email = "mlflow-log-pusher@$project.iam.gserviceaccount.com" } | ConvertTo-Json)
    Import-Module $ModulePath -Force
    $uri = "https://$project.uc.r.appspot.com"

    $first = (Measure-Command { $null = Get-MlflowTrackingToken -TrackingUri $uri }).TotalMilliseconds
    $cached = foreach ($run in 1..$Runs) { (Measure-Command { $null = Get-MlflowTrackingToken -TrackingUri $uri }).TotalMilliseconds }
    $median = ($cached | Sort-Object)[[int][math]::Floor($Runs / 2)]
    '{0,-40} {1,10:F1} ms' -f 'First call (credential + signJwt)', $first
    '{0,-40} {1,10:F1} ms' -f "Cached call (median of $Runs)", $median
}
finally {
    Stop-EmulatorProcess $emulator
}
