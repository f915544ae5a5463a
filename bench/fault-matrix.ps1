#!/usr/bin/env pwsh
# Deploys under injected faults and tells, per scenario, whether one New-MlflowDeployment run converged, whether
# anything was made twice (duplicated) and whether the run reported something done that is missing (lost).
# Scenarios: a clean run (which also lists the APIs and the mutating requests a deployment makes), then faults on one
# API at a time (a mix of 503, 429 with Retry-After, and dropped connections), then that mix on every API at once
# (-Repeat times), then for each mutating request a "lost" answer (the emulator acts, then drops the connection), and
# with -RefusedEach a 503 on each mutating request as well.
# Every scenario runs in its own pwsh with its own emulator (zero latency profile), -ThrottleLimit at a time.
# Converged: the run raised no error and a fault-free plan afterwards (-PlanOnly) has nothing to change.
[CmdletBinding()]
param(
    # How many times the all-API mix runs (each on a fresh emulator).
    [ValidateRange(1, 100)] [int] $Repeat = 1,
    # Adds a scenario per mutating request refused once with 503.
    [switch] $RefusedEach,
    # Wildcards on scenario names, e.g. 'all-apis*' or 'lost:*'; the clean run always runs.
    [string[]] $Scenario = @('*'),
    [ValidateRange(1, 16)] [int] $ThrottleLimit = 4,
    [ValidateRange(0, 1)] [double] $Rate503 = 0.15,
    [ValidateRange(0, 1)] [double] $Rate429 = 0.10,
    [ValidateRange(0, 1)] [double] $DropRate = 0.03,
    [ValidateRange(0, 60)] [int] $RetryAfterSeconds = 1,
    [ValidateRange(10, 3600)] [int] $TimeoutSeconds = 300,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [string] $EmulatorDll = (Join-Path $PSScriptRoot '../out/emulator/OneClickMlflow.Emulator.dll'),
    # Internal: run the scenarios in a JSON file and append one result line each to a file.
    [string] $WorkerScenario,
    [string] $WorkerResult
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Project = 'fault-matrix'
$Region = 'europe-west1'
$Image = "$Region-docker.pkg.dev/$Project/mlflow/mlflow@sha256:" + ('0123456789abcdef' * 4)

function Invoke-Scenario([pscustomobject] $Definition) {
    Import-Module (Join-Path $PSScriptRoot '../tools/EmulatorProcess.psm1') -Force
    $emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-faults-$PID.env") -Project $Project
    try {
        Set-EmulatorEnvironment -Environment $emulator.Environment
        $admin = "$($emulator.Environment['EMULATOR_URL'])_emulator"
        $null = Invoke-RestMethod -Method Put "$admin/latency" -ContentType 'application/json' -Body '{"profile":"zero"}'
        foreach ($rule in $Definition.Faults) {
            $null = Invoke-RestMethod -Method Post "$admin/faults" -ContentType 'application/json' -Body ($rule | ConvertTo-Json -Compress)
        }
        Import-Module $ModulePath -Force
        $deployment = $null
        $failure = $null
        $wall = Measure-Command {
            try {
                $deployment = New-MlflowDeployment -ProjectId $Project -Region $Region -Image $Image -WebAppUser user:alice@example.com -Confirm:$false
            }
            catch { $failure = $_ }
        }
        $null = Invoke-RestMethod -Method Delete "$admin/faults"
        $requests = @(Invoke-RestMethod "$admin/requests" | ForEach-Object { $_ })
        $state = Invoke-RestMethod "$admin/state"
        $pending = @(New-MlflowDeployment -ProjectId $Project -Region $Region -Image $Image -WebAppUser user:alice@example.com -PlanOnly |
            Where-Object { "$($_.Action)" -ne 'None' })

        # What the run said of each resource: from the deployment, or from the report its failure carries.
        $records = if ($deployment) { @($deployment.Changes) } elseif ($failure -and $failure.Exception.PSObject.Properties['Report']) { @($failure.Exception.Report.Resources) } else { @() }
        $pendingIds = @($pending | ForEach-Object ResourceId)
        $lost = @($records | Where-Object { "$($_.Outcome)" -in 'Succeeded', 'Unchanged' -and $_.ResourceId -in $pendingIds } |
            ForEach-Object { "$($_.ResourceId) ($($pending | Where-Object ResourceId -eq $_.ResourceId | Select-Object -First 1 -ExpandProperty Action))" })

        [pscustomobject]@{
            Scenario    = $Definition.Name
            Converged   = ($null -eq $failure -and $pending.Count -eq 0)
            Duplicated  = @(Get-Duplicate $state)
            Lost        = $lost
            WallSeconds = [math]::Round($wall.TotalSeconds, 1)
            Requests    = $requests.Count
            Faulted     = @($requests | Where-Object { $_.status -in 0, 429, 500, 502, 503, 504 }).Count
            Error       = if ($failure) { "$($failure.Exception.Message)" } else { '' }
            Pending     = @($pending | ForEach-Object { "$($_.ResourceId) $($_.Action)" })
            Apis        = @($requests | ForEach-Object api | Where-Object { $_ -notin 'oauth2', 'metadata' } | Sort-Object -Unique)
            Mutating    = @($requests | Where-Object mutating | ForEach-Object { [pscustomobject]@{ api = $_.api; method = $_.method; path = $_.path } } |
                Sort-Object api, method, path -Unique)
        }
    }
    finally {
        Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
        Stop-EmulatorProcess $emulator
    }
}

# Resources the deployment wants once that the emulator holds more than once.
function Get-Duplicate($State) {
    $apis = $State.apis
    $counts = [ordered]@{
        'secret versions'     = @($apis.SecretManagerState | Where-Object name -eq "$Project/mlflow-db-password" | ForEach-Object versions).Count
        'App Engine versions' = @($apis.AppEngineState.apps | ForEach-Object services | ForEach-Object versions).Count
        'SQL instances'       = @($apis.CloudSqlState.instances).Count
        'databases'           = @($apis.CloudSqlState.instances | ForEach-Object databases | Where-Object { $_ -eq 'mlflow' }).Count
        'database users'      = @($apis.CloudSqlState.instances | ForEach-Object users | Where-Object { $_ -eq 'mlflow@%' }).Count
        'networks'            = @($apis.ComputeState.networks).Count
        'peering ranges'      = @($apis.ComputeState.addresses).Count
        'buckets'             = @($apis.StorageState).Count
        'repositories'        = @($apis.ArtifactRegistryState).Count
        'service accounts'    = @($State.serviceAccounts | Where-Object email -like 'mlflow-*').Count / 2
        'App Engine apps'     = @($apis.AppEngineState.apps).Count
    }
    foreach ($name in $counts.Keys) {
        if ($counts[$name] -gt 1) { "$name x$($counts[$name])" }
    }
}

function Get-FaultMix([string] $Api) {
    # Each rule fires on what the ones before it let through: the second and third rates are conditional.
    $left = 1 - $Rate503
    $mix = @(
        @{ rate = $Rate503; status = 503 }
        @{ rate = [math]::Min(1, $Rate429 / $left); status = 429; retryAfterSeconds = $RetryAfterSeconds }
        @{ rate = [math]::Min(1, $DropRate / ($left - $Rate429)); status = 'drop' }
    )
    foreach ($rule in $mix) {
        if ($Api) { $rule.api = $Api }
        $rule
    }
}

function Start-Worker([object[]] $Batch) {
    $folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ("oneclickmlflow-faults-" + [guid]::NewGuid().ToString('n')))
    $scenarioFile = Join-Path $folder 'scenarios.json'
    $resultFile = Join-Path $folder 'results.json'
    ConvertTo-Json -InputObject @($Batch) -Depth 6 | Set-Content -LiteralPath $scenarioFile
    # This same pwsh in a new process (as a dotnet tool it runs as 'dotnet pwsh.dll'): each worker has its own environment.
    $executable = (Get-Process -Id $PID).Path
    $arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) +
        @('-NoProfile', '-NoLogo', '-NonInteractive', '-File', $PSCommandPath, '-WorkerScenario', $scenarioFile, '-WorkerResult', $resultFile,
          '-ModulePath', $ModulePath, '-EmulatorDll', $EmulatorDll)
    $process = Start-Process -FilePath $executable -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput (Join-Path $folder 'out.txt') -RedirectStandardError (Join-Path $folder 'err.txt')
    [pscustomobject]@{ Batch = $Batch; Process = $process; Folder = $folder; Result = $resultFile; Started = [DateTime]::UtcNow }
}

function Receive-Worker($Worker) {
    $done = @(if (Test-Path -LiteralPath $Worker.Result) { Get-Content -LiteralPath $Worker.Result | ForEach-Object { $_ | ConvertFrom-Json } })
    $done
    $output = (Get-Content -LiteralPath (Join-Path $Worker.Folder 'err.txt'), (Join-Path $Worker.Folder 'out.txt') -Raw -ErrorAction SilentlyContinue) -join ''
    foreach ($definition in @($Worker.Batch | Select-Object -Skip $done.Count)) {
        [pscustomobject]@{ Scenario = $definition.Name; Converged = $false; Duplicated = @(); Lost = @(); WallSeconds = $null; Requests = 0; Faulted = 0
            Error = "no result (worker timed out or failed): $($output.Trim())"; Pending = @(); Apis = @(); Mutating = @() }
    }
    Remove-Item -LiteralPath $Worker.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

# Runs the scenarios in -ThrottleLimit processes at once, each process taking every n-th scenario in turn.
function Invoke-Worker([object[]] $Definitions) {
    $count = [math]::Min($ThrottleLimit, $Definitions.Count)
    $workers = foreach ($index in 0..($count - 1)) {
        Start-Worker @(for ($i = $index; $i -lt $Definitions.Count; $i += $count) { $Definitions[$i] })
    }
    foreach ($worker in $workers) {
        $limit = [math]::Max(1, $TimeoutSeconds * $worker.Batch.Count - ([DateTime]::UtcNow - $worker.Started).TotalSeconds)
        if (-not $worker.Process.WaitForExit([int] ($limit * 1000))) {
            $worker.Process.Kill($true)
            $worker.Process.WaitForExit()
        }
    }
    foreach ($worker in $workers) { Receive-Worker $worker }
}

if ($WorkerScenario) {
    # One result per line, written as each scenario ends, so a timeout keeps what finished.
    foreach ($definition in @(Get-Content -LiteralPath $WorkerScenario -Raw | ConvertFrom-Json)) {
        Invoke-Scenario $definition | ConvertTo-Json -Depth 6 -Compress | Add-Content -LiteralPath $WorkerResult
    }
    return
}

if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
if (-not (Test-Path $EmulatorDll)) {
    dotnet build (Join-Path $PSScriptRoot '../tests/OneClickMlflow.Emulator/OneClickMlflow.Emulator.csproj') -c Release -o (Split-Path $EmulatorDll) --nologo -v quiet | Out-Null
}
# pwsh -File passes 'a','b' as one string "a,b".
$Scenario = @($Scenario | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$started = [DateTime]::UtcNow
$clean = Invoke-Worker @([pscustomobject]@{ Name = 'no faults'; Faults = @() })
Write-Verbose "APIs: $($clean.Apis -join ', ')"
if (-not $clean.Converged) { throw "The deployment does not converge without faults: $($clean.Error)" }

$definitions = @(
    foreach ($api in $clean.Apis + 'oauth2') { [pscustomobject]@{ Name = "api:$api"; Faults = @(Get-FaultMix $api) } }
    foreach ($run in 1..$Repeat) { [pscustomobject]@{ Name = "all-apis #$run"; Faults = @(Get-FaultMix $null) } }
    foreach ($request in $clean.Mutating) {
        [pscustomobject]@{
            Name   = "lost:$($request.api) $($request.method) $($request.path)"
            Faults = @(@{ api = $request.api; method = $request.method; path = $request.path; script = @('lost') })
        }
    }
    if ($RefusedEach) {
        foreach ($request in $clean.Mutating) {
            [pscustomobject]@{
                Name   = "refused:$($request.api) $($request.method) $($request.path)"
                Faults = @(@{ api = $request.api; method = $request.method; path = $request.path; script = @(503) })
            }
        }
    }
) | Where-Object { $name = $_.Name; @($Scenario | Where-Object { $name -like $_ }).Count -gt 0 }

$results = @($clean) + @(if ($definitions) { Invoke-Worker @($definitions) })
$results | ForEach-Object {
    [pscustomobject]@{
        Scenario   = $_.Scenario
        Converged  = if ($_.Converged) { 'yes' } else { 'no' }
        Duplicated = if (@($_.Duplicated).Count) { $_.Duplicated -join '; ' } else { '-' }
        Lost       = if (@($_.Lost).Count) { $_.Lost -join '; ' } else { '-' }
        WallSec    = $_.WallSeconds
        Faulted    = "$($_.Faulted)/$($_.Requests)"
        Error      = if ($_.Error) { $_.Error.Substring(0, [math]::Min(160, $_.Error.Length)) } else { '' }
    }
} | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Write-Host

$groups = $results | Group-Object { ($_.Scenario -split '[: #]')[0] }
foreach ($group in $groups) {
    $converged = @($group.Group | Where-Object Converged).Count
    $duplicated = @($group.Group | Where-Object { @($_.Duplicated).Count }).Count
    $lost = @($group.Group | Where-Object { @($_.Lost).Count }).Count
    Write-Host ("{0,-10} converged in one run {1}/{2}, duplicated {3}, lost {4}" -f $group.Name, $converged, $group.Count, $duplicated, $lost)
}
Write-Host ("Total wall time {0:0} s for {1} scenarios" -f ([DateTime]::UtcNow - $started).TotalSeconds, $results.Count)
