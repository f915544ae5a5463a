#!/usr/bin/env pwsh
# Compares a bare pwsh start with a start that imports the built module (median of -Runs fresh processes),
# and reports the in-process Import-Module time.
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [ValidateRange(1, 50)] [int] $Runs = 7
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
$ModulePath = (Resolve-Path $ModulePath).Path

# This same pwsh, started fresh (as a dotnet tool it is 'dotnet pwsh.dll').
$executable = (Get-Process -Id $PID).Path
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Measure-Median([string] $Command) {
    $times = foreach ($run in 1..$Runs) {
        (Measure-Command { & $executable @prefix -NoLogo -NoProfile -NonInteractive -Command $Command | Out-Null }).TotalMilliseconds
    }
    ($times | Sort-Object)[[int][math]::Floor($Runs / 2)]
}

$bare = Measure-Median 'exit'
$withModule = Measure-Median "Import-Module '$ModulePath'; exit"
$inProcess = & $executable @prefix -NoLogo -NoProfile -NonInteractive -Command "(Measure-Command { Import-Module '$ModulePath' }).TotalMilliseconds"

[pscustomobject]@{
    BarePwshStartMs         = [math]::Round($bare)
    PwshStartWithImportMs   = [math]::Round($withModule)
    ImportOverheadMs        = [math]::Round($withModule - $bare)
    InProcessImportModuleMs = [math]::Round([double]$inProcess)
    Runs                    = $Runs
} | Format-List
