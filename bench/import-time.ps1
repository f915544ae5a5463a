#!/usr/bin/env pwsh
# Compares a bare pwsh start with a start that imports the built module (median of -Runs fresh processes),
# and reports the in-process Import-Module time.
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [ValidateRange(1, 50)] [int] $Runs = 11
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
$ModulePath = (Resolve-Path $ModulePath).Path

# This same pwsh, started fresh (as a dotnet tool it is 'dotnet pwsh.dll').
$executable = (Get-Process -Id $PID).Path
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Measure-Start([string] $Command) {
    (Measure-Command { & $executable @prefix -NoLogo -NoProfile -NonInteractive -Command $Command | Out-Null }).TotalMilliseconds
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }

# Alternate the two starts so a busy machine slows both alike.
$bareTimes = [System.Collections.Generic.List[double]]::new()
$importTimes = [System.Collections.Generic.List[double]]::new()
foreach ($run in 1..$Runs) {
    $bareTimes.Add((Measure-Start 'exit'))
    $importTimes.Add((Measure-Start "Import-Module '$ModulePath'; exit"))
}
$bare = Get-Median $bareTimes
$withModule = Get-Median $importTimes
$inProcess = & $executable @prefix -NoLogo -NoProfile -NonInteractive -Command "(Measure-Command { Import-Module '$ModulePath' }).TotalMilliseconds"

[pscustomobject]@{
    BarePwshStartMs         = [math]::Round($bare)
    PwshStartWithImportMs   = [math]::Round($withModule)
    ImportOverheadMs        = [math]::Round($withModule - $bare)
    InProcessImportModuleMs = [math]::Round([double]$inProcess)
    Runs                    = $Runs
} | Format-List
