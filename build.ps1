#!/usr/bin/env pwsh
<#
.SYNOPSIS
Builds, tests, packages and demonstrates the OneClickMlflow module.

.DESCRIPTION
Build     lays out the module in out/OneClickMlflow (manifest, cmdlet assembly, dependencies/, en-US/, formats).
Test      builds, runs every xunit project and the Pester tests (in a fresh pwsh against the built module) and
          ends with one line "N passed, N failed, N skipped"; exits non-zero when anything failed.
Package   publishes the built module to a temporary local PSResource repository: out/packages/*.nupkg.
Emulator  runs the Google API emulator in the foreground and writes out/emulator.env.
Demo      builds, starts the emulator, and in a fresh pwsh deploys the whole server on it (-Image by digest), takes a
          token and logs a metric through the IAP front door, then stops the emulator.
Mutation  mutation testing of OneClickMlflow.Core with Stryker.NET (tests/Mutation/stryker-config.json): mutates the
          engine, the resources and the Google HTTP pipeline (or the files -Mutate names), runs the xunit tests
          against each mutant one at a time, and prints the mutation score per area. Slow (hours): not part of Test.
          The report is out/mutation/reports/mutation-report.html.
Clean     removes out/ and the build output.

.EXAMPLE
dotnet tool restore; dotnet pwsh ./build.ps1 Test

.EXAMPLE
dotnet pwsh ./build.ps1 Mutation -Mutate '**/Google/GoogleHttpPipeline.cs', '**/Google/OperationPoller.cs'

.EXAMPLE
dotnet pwsh ./build.ps1 Mutation -Mutate '**/Google/IamPolicyEditor.cs' -TestFilter 'FullyQualifiedName~OneClickMlflow.Tests.Google'
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Emulator', 'Mutation', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Mutation: the files to mutate (Stryker globs, '!' excludes); default the "mutate" list of tests/Mutation/stryker-config.json.
    [string[]] $Mutate = @(),

    # Mutation: only the tests this `dotnet test --filter` expression selects are run (default all of OneClickMlflow.Core.Tests).
    [string] $TestFilter = ''
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'OneClickMlflow'
$EmulatorOut = Join-Path $Out 'emulator'
$EmulatorDll = Join-Path $EmulatorOut 'OneClickMlflow.Emulator.dll'
$TestResults = Join-Path $Out 'test-results'
$CmdletAssembly = 'OneClickMlflow.PowerShell'

Import-Module (Join-Path $Root 'tools/EmulatorProcess.psm1') -Force
Import-Module (Join-Path $Root 'tools/DependencyLayout.psm1') -Force
Import-Module (Join-Path $Root 'tools/ThirdPartyNotices.psm1') -Force

function Invoke-Native {
    # Runs a native command and stops the build when it fails. Plain $args so '-c'/'-o' reach the command.
    $command, $arguments = $args
    & $command @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-FreshPwsh {
    # A new pwsh process: no state from this build session leaks into what it checks.
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Push-Location $Root
    try { & dotnet tool run pwsh -- -NoLogo -NoProfile @Arguments | Out-Host } finally { Pop-Location }
    $LASTEXITCODE
}

function Invoke-Build {
    $publish = Join-Path $Out 'publish'
    Remove-Item -LiteralPath $publish, $ModuleOut -Recurse -Force -ErrorAction SilentlyContinue
    Invoke-Native dotnet publish (Join-Path $Root "src/$CmdletAssembly/$CmdletAssembly.csproj") -c $Configuration -o $publish --nologo -v quiet '-clp:NoSummary'
    $loadContext = Join-Path $Out 'loadcontext'
    Invoke-Native dotnet build (Join-Path $Root 'src/OneClickMlflow.LoadContext/OneClickMlflow.LoadContext.csproj') -c $Configuration -o $loadContext --nologo -v quiet '-clp:NoSummary'

    # Thin cmdlet assembly, manifest and formats in the root; the core and third-party DLLs in dependencies/.
    $null = New-Item -ItemType Directory -Path $ModuleOut -Force
    Copy-Item (Join-Path $Root 'OneClickMlflow.psd1'), (Join-Path $Root 'LICENSE') $ModuleOut
    Copy-Item (Join-Path $publish 'OneClickMlflow.Format.ps1xml') $ModuleOut
    Copy-Item (Join-Path $publish "$CmdletAssembly.dll") $ModuleOut
    $shipped = Copy-Dependencies -PublishFolder $publish
    Copy-Item (Join-Path $loadContext 'OneClickMlflow.LoadContext.dll') (Join-Path $ModuleOut 'dependencies')
    Write-ThirdPartyNotices -Assemblies $shipped -AssetsFile (Join-Path $Root "src/$CmdletAssembly/obj/project.assets.json") `
        -ModuleFolder $ModuleOut -Destination (Join-Path $ModuleOut 'THIRD-PARTY-NOTICES.txt')
    # The MLflow server image definition ships with the module: Publish-MlflowImage builds it as its default context.
    Copy-Item (Join-Path $Root "src/$CmdletAssembly/Image") (Join-Path $ModuleOut 'image') -Recurse
    Build-Help (New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'en-US') -Force)

    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'OneClickMlflow.psd1')).ModuleVersion
    Write-Host "Built OneClickMlflow $version in $ModuleOut"
}

function Copy-Dependencies([string] $PublishFolder) {
    # Only what some PowerShell loads from the module (tools/DependencyLayout.psm1): dependencies/ holds what
    # PowerShell 7 loads from it, dependencies/desktop/ the polyfills only Windows PowerShell needs (PowerShell 7
    # ships its own). Returns the shipped files.
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'dependencies') -Force
    $desktop = New-Item -ItemType Directory -Path (Join-Path $dependencies 'desktop') -Force
    $layout = Get-DependencyLayout -PublishFolder $PublishFolder -NetFrameworkFolder (Get-NetFrameworkReferences) |
        Where-Object Name -ne $CmdletAssembly
    foreach ($assembly in $layout) {
        switch ($assembly.Loads) {
            'Everywhere' { Copy-Item $assembly.Path $dependencies; Get-Item (Join-Path $dependencies "$($assembly.Name).dll") }
            'WindowsPowerShell' { Copy-Item $assembly.Path $desktop; Get-Item (Join-Path $desktop "$($assembly.Name).dll") }
            default { Write-Host "Not shipped (no PowerShell loads it): $($assembly.Name)" }
        }
    }
}

function Build-Help([System.IO.DirectoryInfo] $HelpFolder) {
    # about_ topics are plain text; cmdlet help (MAML) is compiled from docs/<cmdlet>.md.
    Get-ChildItem (Join-Path $Root 'docs') -Filter 'about_*.md' -ErrorAction SilentlyContinue | ForEach-Object {
        & (Join-Path $Root 'tools/ConvertTo-AboutHelp.ps1') -Path $_.FullName -OutputPath (Join-Path $HelpFolder "$($_.BaseName).help.txt")
    }
    $converter = Join-Path $Root 'tools/Build-MamlHelp.ps1'
    & $converter -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $HelpFolder "$CmdletAssembly.dll-Help.xml")
}

function Build-Emulator {
    Invoke-Native dotnet build (Join-Path $Root 'tests/OneClickMlflow.Emulator/OneClickMlflow.Emulator.csproj') -c $Configuration -o $EmulatorOut --nologo -v quiet '-clp:NoSummary'
}

function Get-NuGetCache {
    (((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '') | Select-Object -First 1).Trim()
}

function Get-PesterManifest {
    Invoke-Native dotnet restore (Join-Path $Root 'tools/Pester/Pester.proj') --nologo -v quiet '-clp:NoSummary'
    Join-Path (Get-NuGetCache) 'pester/5.7.1/tools/Pester.psd1'
}

function Get-NetFrameworkReferences {
    Invoke-Native dotnet restore (Join-Path $Root 'tools/NetFramework/NetFramework.proj') --nologo -v quiet '-clp:NoSummary'
    Join-Path (Get-NuGetCache) 'microsoft.netframework.referenceassemblies.net472/1.0.3/build/.NETFramework/v4.7.2'
}

function Read-TrxCounts([string] $TrxFile) {
    [xml] $trx = Get-Content -LiteralPath $TrxFile -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout; Skipped = [int]$counters.notExecuted }
}

function Invoke-XunitSuite([System.IO.FileInfo] $Project) {
    $trx = Join-Path $TestResults "$($Project.BaseName).trx"
    Remove-Item -LiteralPath $trx -ErrorAction SilentlyContinue
    & dotnet test $Project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    $exitCode = $LASTEXITCODE
    if (Test-Path $trx) { return Read-TrxCounts $trx }
    # No results at all: a build failure counts as one failure, an empty project as nothing.
    [pscustomobject]@{ Passed = 0; Failed = [int]($exitCode -ne 0); Skipped = 0 }
}

function Invoke-PesterSuite {
    Build-Emulator
    $summary = Join-Path $TestResults 'pester-summary.json'
    Remove-Item -LiteralPath $summary -ErrorAction SilentlyContinue
    $env:ONECLICKMLFLOW_MODULE_PATH = $ModuleOut
    $env:ONECLICKMLFLOW_EMULATOR_DLL = $EmulatorDll
    $env:ONECLICKMLFLOW_NETFX_REFERENCES = Get-NetFrameworkReferences
    try {
        $null = Invoke-FreshPwsh -Arguments @('-File', (Join-Path $Root 'tools/Invoke-PesterSuite.ps1'),
            '-PesterManifest', (Get-PesterManifest), '-TestPath', (Join-Path $Root 'tests/Pester'),
            '-ResultFile', (Join-Path $TestResults 'pester.xml'), '-SummaryFile', $summary)
    }
    finally {
        Remove-Item Env:ONECLICKMLFLOW_MODULE_PATH, Env:ONECLICKMLFLOW_EMULATOR_DLL, Env:ONECLICKMLFLOW_NETFX_REFERENCES -ErrorAction SilentlyContinue
    }
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counts = Get-Content $summary -Raw | ConvertFrom-Json
    [pscustomobject]@{ Passed = $counts.passed; Failed = $counts.failed; Skipped = $counts.skipped }
}

function Invoke-Test {
    Invoke-Build
    Invoke-Package
    New-Item -ItemType Directory -Path $TestResults -Force | Out-Null
    $suites = [ordered]@{}
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Filter '*.Tests.csproj' -Recurse) {
        $suites[$project.BaseName] = Invoke-XunitSuite $project
    }
    $suites['Pester'] = Invoke-PesterSuite

    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    Write-Host ''
    foreach ($name in $suites.Keys) {
        $suite = $suites[$name]
        Write-Host ("{0,-36} passed {1,4}  failed {2,4}  skipped {3,4}" -f $name, $suite.Passed, $suite.Failed, $suite.Skipped)
        $total.Passed += $suite.Passed; $total.Failed += $suite.Failed; $total.Skipped += $suite.Skipped
    }
    Write-Host "$($total.Passed) passed, $($total.Failed) failed, $($total.Skipped) skipped"
    if ($total.Failed -gt 0) { exit 1 }
}

function Invoke-Package {
    if (-not (Test-Path (Join-Path $ModuleOut 'OneClickMlflow.psd1'))) { Invoke-Build }
    $packages = New-Item -ItemType Directory -Path (Join-Path $Out 'packages') -Force
    # Publishing refuses a version that is already there: each build replaces it.
    Get-ChildItem $packages -Filter 'OneClickMlflow.*.nupkg' | Remove-Item
    $repository = "OneClickMlflowBuild-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repository -Uri $packages.FullName -Trusted
    try {
        Publish-PSResource -Path $ModuleOut -Repository $repository
        Get-ChildItem $packages -Filter 'OneClickMlflow.*.nupkg' | ForEach-Object { Write-Host "Package: $($_.FullName)" }
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
}

function Invoke-Demo {
    Invoke-Build
    Build-Emulator
    $emulator = $null
    try {
        $emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path $Out 'demo.env') -Project 'mlflow-demo'
        Write-Host "Emulator listening at $($emulator.Environment['EMULATOR_URL'])"
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Root/tools/EmulatorProcess.psm1'
Set-EmulatorEnvironment -Environment (Read-EmulatorEnvironment -Path '$($emulator.EnvFile)')
Import-Module '$ModuleOut'
Get-Command -Module OneClickMlflow | Format-Table -AutoSize
Test-MlflowPrerequisite | Format-List
# No Docker engine nor base image here: the server image is given by digest (the emulator never pulls it).
`$image = 'europe-west1-docker.pkg.dev/mlflow-demo/mlflow/mlflow@sha256:' + ('0123456789abcdef' * 4)
Write-Host '== The plan: New-MlflowDeployment -WhatIf (no change is made)'
New-MlflowDeployment -Region europe-west1 -WebAppUser user:alice@example.com -Image `$image -WhatIf
Write-Host '== Deploy'
`$deployment = New-MlflowDeployment -Region europe-west1 -WebAppUser user:alice@example.com -Image `$image
`$deployment | Format-Table
`$deployment | Format-List
Write-Host '== Run again: every resource is already as wanted'
New-MlflowDeployment -Region europe-west1 -WebAppUser user:alice@example.com -Image `$image -PlanOnly | Format-Table
Write-Host '== A token for the log pusher, then a metric logged through IAP'
`$deployment | Get-MlflowTrackingToken -SetEnvironment
`$headers = @{ Authorization = "Bearer `$env:MLFLOW_TRACKING_TOKEN" }
`$api = "`$(`$env:MLFLOW_TRACKING_URI.TrimEnd('/'))/api/2.0/mlflow"
`$experiment = Invoke-RestMethod -Method Post -Uri "`$api/experiments/create" -Headers `$headers -ContentType 'application/json' -Body (@{ name = 'demo' } | ConvertTo-Json)
`$run = Invoke-RestMethod -Method Post -Uri "`$api/runs/create" -Headers `$headers -ContentType 'application/json' -Body (@{ experiment_id = `$experiment.experiment_id } | ConvertTo-Json)
`$metric = @{ run_id = `$run.run.info.run_id; key = 'loss'; value = 0.25; timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); step = 0 }
`$null = Invoke-RestMethod -Method Post -Uri "`$api/runs/log-metric" -Headers `$headers -ContentType 'application/json' -Body (`$metric | ConvertTo-Json)
`$stored = Invoke-RestMethod -Uri "`$api/runs/get?run_id=`$(`$run.run.info.run_id)" -Headers `$headers
Write-Host "Logged loss=`$(`$stored.run.data.metrics[0].value) to run `$(`$run.run.info.run_id) of experiment `$(`$experiment.experiment_id) at `$env:MLFLOW_TRACKING_URI"
Write-Host '== What is deployed (Get-MlflowDeployment), and what removing it would do'
Get-MlflowDeployment | Format-Table
Get-MlflowDeployment | Remove-MlflowDeployment -WhatIf
"@
        $exitCode = Invoke-FreshPwsh -Arguments @('-Command', $script)
        if ($exitCode -ne 0) { throw "The demo failed with exit code $exitCode." }
    }
    finally {
        if ($emulator) { Stop-EmulatorProcess $emulator; Write-Host 'Emulator stopped.' }
    }
}

function Invoke-Emulator {
    Build-Emulator
    $envFile = Join-Path $Out 'emulator.env'
    Write-Host "Starting the emulator; once listening it writes $envFile."
    Write-Host "bash: source '$envFile'   pwsh: Import-Module ./tools/EmulatorProcess.psm1; Set-EmulatorEnvironment (Read-EmulatorEnvironment '$envFile')"
    Write-Host 'Press Ctrl+C to stop.'
    Invoke-Native dotnet $EmulatorDll --port 0 --env-file $envFile
}

# Mutation: the areas a score is given for, by path under src/OneClickMlflow.Core.
$MutationAreas = [ordered]@{
    'Engine'          = '^Deployment/(DeploymentEngine[^/]*|ResourceGraph|Resource)\.cs$'
    'Resources'       = '^Deployment/Resources/'
    'Google pipeline' = '^Google/(GoogleHttpPipeline|GoogleErrorParser|OperationPoller|IamPolicyEditor)\.cs$'
}

function Invoke-Mutation {
    # Stryker builds the test projects and leaves a mutated OneClickMlflow.Core.dll in their output: it runs on a
    # copy of the sources (tracked and new files, as they are now), so the working tree's own build stays as built.
    $reports = Join-Path $Out 'mutation'
    $copy = Join-Path $reports 'source'
    Remove-Item -LiteralPath $copy -Recurse -Force -ErrorAction SilentlyContinue
    foreach ($file in (& git -C $Root ls-files --cached --others --exclude-standard)) {
        $source = Join-Path $Root $file
        if (-not (Test-Path -LiteralPath $source -PathType Leaf)) { continue } # deleted, not yet committed
        $target = Join-Path $copy $file
        $null = New-Item -ItemType Directory -Path (Split-Path $target) -Force
        Copy-Item -LiteralPath $source -Destination $target
    }
    # No version check: the build machines may have no internet.
    $arguments = @('tool', 'run', 'dotnet-stryker', '--', '--config-file', 'stryker-config.json', '--output', $reports,
        '--configuration', $Configuration, '--skip-version-check')
    # From sh, `-Mutate 'a','b'` arrives as one string: a comma outside braces separates globs.
    foreach ($glob in ($Mutate -split ',(?![^{]*\})' | Where-Object { $_ })) { $arguments += @('--mutate', $glob.Trim()) }
    if ($TestFilter) { $arguments += @('--test-case-filter', $TestFilter) }
    Push-Location (Join-Path $copy 'tests/Mutation')
    try { Invoke-Native dotnet @arguments } finally { Pop-Location }
    Write-MutationScores (Join-Path $reports 'reports/mutation-report.json')
}

function Write-MutationScores([string] $ReportFile) {
    # Score = detected / (detected + undetected): killed and timed-out mutants against survivors and uncovered ones;
    # mutants that did not compile or were filtered out do not count (Stryker's own definition).
    $report = Get-Content -LiteralPath $ReportFile -Raw | ConvertFrom-Json -AsHashtable
    $rows = foreach ($area in $MutationAreas.Keys) {
        $mutants = foreach ($file in $report.files.Keys) {
            $relative = ($file -replace '\\', '/') -replace '^.*/src/OneClickMlflow\.Core/', ''
            if ($relative -match $MutationAreas[$area]) { $report.files[$file].mutants }
        }
        $detected = @($mutants | Where-Object { $_.status -in 'Killed', 'Timeout' }).Count
        $undetected = @($mutants | Where-Object { $_.status -in 'Survived', 'NoCoverage' }).Count
        if ($detected + $undetected -eq 0) { continue }
        [pscustomobject]@{
            Area = $area; Killed = @($mutants | Where-Object status -eq 'Killed').Count
            Timeout = @($mutants | Where-Object status -eq 'Timeout').Count
            Survived = @($mutants | Where-Object status -eq 'Survived').Count
            NoCoverage = @($mutants | Where-Object status -eq 'NoCoverage').Count
            Score = [math]::Round(100 * $detected / ($detected + $undetected), 1)
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
    Write-Host "Report: $([System.IO.Path]::ChangeExtension($ReportFile, '.html'))"
}

function Invoke-Clean {
    Remove-Item -LiteralPath $Out -Recurse -Force -ErrorAction SilentlyContinue
    Invoke-Native dotnet clean (Join-Path $Root 'OneClickMlflow.slnx') --nologo -v quiet '-clp:NoSummary'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Package' { Invoke-Package }
    'Emulator' { Invoke-Emulator }
    'Mutation' { Invoke-Mutation }
    'Clean' { Invoke-Clean }
}
