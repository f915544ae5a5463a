# Runs the Pester tests against the built module; meant to run in a fresh pwsh started by build.ps1.
# Writes a one-line JSON summary (passed, failed, skipped) to -SummaryFile.
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $SummaryFile
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -MinimumVersion 5.7.1 -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultFile

$result = Invoke-Pester -Configuration $configuration
# Tests under a failed BeforeAll already count as failed; a file that cannot run at all counts once.
$failed = $result.FailedCount + $result.FailedContainersCount
[ordered]@{ passed = $result.PassedCount; failed = $failed; skipped = $result.SkippedCount } |
    ConvertTo-Json -Compress | Set-Content -LiteralPath $SummaryFile
