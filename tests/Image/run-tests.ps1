#Requires -Version 7.0
# Runs the image tests (tests/Pester/Image*.Tests.ps1) with Pester 5, taken from the installed
# modules or else from the NuGet package cache (the Pester package's tools/ folder is the module).
[CmdletBinding()]
param(
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Output = 'Detailed'
)
$ErrorActionPreference = 'Stop'

$pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -eq 5 } |
    Sort-Object Version -Descending | Select-Object -First 1 -ExpandProperty Path
if (-not $pester) {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $pester = Get-ChildItem -Path (Join-Path $packages 'pester/5.*/tools/Pester.psd1') -ErrorAction SilentlyContinue |
        Sort-Object { [version]$_.Directory.Parent.Name } -Descending | Select-Object -First 1 -ExpandProperty FullName
    if (-not $pester) { throw "Pester 5 is neither installed nor in the NuGet package cache ($packages); restore the Pester package first." }
}
Import-Module $pester -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = @('Image.Tests.ps1', 'ImageIapCheck.Tests.ps1') | ForEach-Object { Join-Path $PSScriptRoot "../Pester/$_" }
$configuration.Run.Exit = $true
$configuration.Output.Verbosity = $Output
Invoke-Pester -Configuration $configuration
