#!/usr/bin/env pwsh
# Measures Start-MlflowTrackingProxy against the standalone emulator: the time a small request takes through the
# proxy and with a token straight to the front door (the difference is the proxy's overhead per request), and the
# throughput of a 100 MB artifact uploaded and downloaded through it, each the median of -Runs.
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/OneClickMlflow'),
    [string] $EmulatorDll = (Join-Path $PSScriptRoot '../out/emulator/OneClickMlflow.Emulator.dll'),
    [ValidateRange(1, 1000)] [int] $Runs = 201,
    [ValidateRange(1, 21)] [int] $LargeRuns = 5,
    # Under the 32 MB front door limit per request: a 100 MB artifact is four requests of 25 MiB.
    [ValidateRange(1, 32)] [int] $ChunkMiB = 25
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModulePath 'OneClickMlflow.psd1'))) { throw "Build the module first: ./build.ps1 Build" }
if (-not (Test-Path $EmulatorDll)) { throw "Build the emulator first: ./build.ps1 Test (or Demo)" }
Import-Module (Join-Path $PSScriptRoot '../tools/EmulatorProcess.psm1') -Force

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }

$project = 'bench-proxy'
$emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-bench-proxy-$PID.env") -Project $project
$http = [System.Net.Http.HttpClient]::new()
$http.Timeout = [TimeSpan]::FromMinutes(10)
try {
    Set-EmulatorEnvironment -Environment $emulator.Environment
    Import-Module $ModulePath -Force
    $deployment = New-MlflowDeployment -ProjectId $project -Region europe-west1 -WebAppUser 'user:bench@example.com' `
        -Image "europe-west1-docker.pkg.dev/$project/mlflow/mlflow@sha256:$('0123456789abcdef' * 4)" -Confirm:$false
    $token = ($deployment | Get-MlflowTrackingToken -AsPlainText).Token
    $proxy = $deployment | Start-MlflowTrackingProxy
    $direct = "$($deployment.TrackingUri)".TrimEnd('/')

    function Measure-Request([string] $BaseUri, [hashtable] $Headers) {
        $request = [System.Net.Http.HttpRequestMessage]::new('GET', "$BaseUri/api/2.0/mlflow/experiments/get?experiment_id=0")
        foreach ($name in $Headers.Keys) { $request.Headers.Add($name, $Headers[$name]) }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        $null = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
        $watch.Stop()
        if (-not $response.IsSuccessStatusCode) { throw "GET failed: $($response.StatusCode)" }
        $watch.Elapsed.TotalMilliseconds
    }
    $auth = @{ Authorization = "Bearer $token" }
    foreach ($warmup in 1..20) { $null = Measure-Request $direct $auth; $null = Measure-Request $proxy.LocalUri @{} }
    $directTimes = [double[]]::new($Runs); $proxyTimes = [double[]]::new($Runs)
    foreach ($i in 0..($Runs - 1)) { $directTimes[$i] = Measure-Request $direct $auth; $proxyTimes[$i] = Measure-Request $proxy.LocalUri @{} }
    $directMedian = Get-Median $directTimes; $proxyMedian = Get-Median $proxyTimes

    $experiment = Invoke-RestMethod -Method Post "$($proxy.LocalUri)/api/2.0/mlflow/experiments/create" -ContentType 'application/json' -Body '{"name":"bench"}'
    $run = (Invoke-RestMethod -Method Post "$($proxy.LocalUri)/api/2.0/mlflow/runs/create" -ContentType 'application/json' `
        -Body (@{ experiment_id = $experiment.experiment_id } | ConvertTo-Json)).run.info
    $chunk = [byte[]]::new($ChunkMiB * 1MB); [Random]::new(7).NextBytes($chunk)
    $chunks = [int][math]::Ceiling(100MB / $chunk.Length)
    $megabytes = $chunks * $chunk.Length / 1MB
    $upload = foreach ($i in 1..$LargeRuns) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        foreach ($c in 1..$chunks) {
            $uri = "$($proxy.LocalUri)/api/2.0/mlflow-artifacts/artifacts/$($run.experiment_id)/$($run.run_id)/artifacts/part-$c.bin"
            $response = $http.PutAsync($uri, [System.Net.Http.ByteArrayContent]::new($chunk)).GetAwaiter().GetResult()
            if (-not $response.IsSuccessStatusCode) { throw "PUT failed: $($response.StatusCode)" }
        }
        $megabytes / $watch.Elapsed.TotalSeconds
    }
    $download = foreach ($i in 1..$LargeRuns) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        foreach ($c in 1..$chunks) {
            $stream = $http.GetStreamAsync("$($proxy.LocalUri)/api/2.0/mlflow-artifacts/artifacts/$($run.experiment_id)/$($run.run_id)/artifacts/part-$c.bin").GetAwaiter().GetResult()
            try { $stream.CopyTo([IO.Stream]::Null) } finally { $stream.Dispose() }
        }
        $megabytes / $watch.Elapsed.TotalSeconds
    }
    '{0,-52} {1,10:F2} ms' -f "Small request, straight with a token (median of $Runs)", $directMedian
    '{0,-52} {1,10:F2} ms' -f "Small request through the proxy (median of $Runs)", $proxyMedian
    '{0,-52} {1,10:F2} ms' -f 'Proxy overhead per request', ($proxyMedian - $directMedian)
    '{0,-52} {1,10:F0} MB/s' -f "$megabytes MB upload through the proxy (median of $LargeRuns)", (Get-Median $upload)
    '{0,-52} {1,10:F0} MB/s' -f "$megabytes MB download through the proxy (median of $LargeRuns)", (Get-Median $download)
    $proxy | Stop-MlflowTrackingProxy
}
finally {
    $http.Dispose()
    Stop-EmulatorProcess $emulator
}
