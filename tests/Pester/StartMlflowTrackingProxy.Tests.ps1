# Start-MlflowTrackingProxy from a fresh pwsh against the standalone emulator, whose tokens live 4 seconds: a run logs
# across several token expiries, and artifacts go up in parts straight to the bucket or are refused over 32 MB.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-proxy'
    $TokenSeconds = 4
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-proxy-$PID.env") `
        -Project $Project -ExtraArgument '--token-lifetime', $TokenSeconds
    $SavedEnvironment = @{}
    $MlflowVariables = 'MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN', 'MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD', 'MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE'
    foreach ($name in $Emulator.Environment.Keys + $MlflowVariables) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment
    Import-Module $ModulePath -Force

    $Deployment = New-MlflowDeployment -Image (Get-TestImage $Project) -ProjectId $Project -Region europe-west1 -WebAppUser 'user:alice@example.com'
    $Http = [System.Net.Http.HttpClient]::new()
    $Http.Timeout = [TimeSpan]::FromMinutes(5)

    function Invoke-Mlflow([string] $BaseUri, [string] $Method, [string] $Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$BaseUri/api/2.0/$Path"; ContentType = 'application/json' }
        if ($Body) { $arguments.Body = $Body | ConvertTo-Json -Depth 5 }
        Invoke-RestMethod @arguments
    }

    function New-TestRun([string] $BaseUri, [string] $Name) {
        $experiment = Invoke-Mlflow $BaseUri Post 'mlflow/experiments/create' @{ name = $Name }
        (Invoke-Mlflow $BaseUri Post 'mlflow/runs/create' @{ experiment_id = $experiment.experiment_id; start_time = 1 }).run.info
    }

    # Part N of a generated artifact: the same bytes every time, so that nothing holds the whole file.
    function Get-PartBytes([int] $Number, [int] $Size) {
        $bytes = [byte[]]::new($Size)
        [Random]::new($Number).NextBytes($bytes)
        , $bytes # one array, not its bytes one by one
    }

    function Test-Listening([string] $LocalUri) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect(([uri] $LocalUri).Host, ([uri] $LocalUri).Port); $true } catch { $false } finally { $client.Dispose() }
    }
}

AfterAll {
    if ($Http) { $Http.Dispose() }
    Get-MlflowTrackingProxy -ErrorAction SilentlyContinue | Stop-MlflowTrackingProxy -ErrorAction SilentlyContinue
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'Start-MlflowTrackingProxy' {
    It 'logs metrics across three token expiries with no failed request, sets the MLflow variables and shows no token' {
        $env:MLFLOW_TRACKING_TOKEN = 'stale-token'
        $output = $Deployment | Start-MlflowTrackingProxy -SetEnvironment -Verbose 4>&1
        $proxy = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        try {
            $env:MLFLOW_TRACKING_URI | Should -Be $proxy.LocalUri
            $env:MLFLOW_TRACKING_TOKEN | Should -BeNullOrEmpty
            $env:MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD | Should -Be 'true'
            $proxy.LocalUri | Should -Match '^http://127\.0\.0\.1:\d+$'
            $proxy.Name | Should -Be 'mlflow'
            $proxy.TrackingUri | Should -Be "$($Deployment.TrackingUri)".TrimEnd('/')

            $run = New-TestRun $env:MLFLOW_TRACKING_URI 'long-run'
            $started = [DateTime]::UtcNow
            $failures = [Collections.Generic.List[string]]::new()
            $step = 0
            while (([DateTime]::UtcNow - $started).TotalSeconds -lt 3.5 * $TokenSeconds) {
                try {
                    $null = Invoke-Mlflow $env:MLFLOW_TRACKING_URI Post 'mlflow/runs/log-metric' @{ run_id = $run.run_id; key = 'loss'; value = 1.0 / ($step + 1); timestamp = 1; step = $step }
                }
                catch { $failures.Add($_.Exception.Message) }
                $step++
                Start-Sleep -Milliseconds 100
            }

            $failures | Should -BeNullOrEmpty
            $proxy.RequestsFailed | Should -Be 0
            $proxy.TokenRenewals | Should -BeGreaterOrEqual 3
            $history = Invoke-Mlflow $env:MLFLOW_TRACKING_URI Get "mlflow/metrics/get-history?run_id=$($run.run_id)&metric_key=loss"
            @($history.metrics).Count | Should -Be $step
            # Neither what it says nor what it shows carries a token (a JWT, or an access token).
            $verbose.Count | Should -BeGreaterThan 0
            $shown = ($verbose | Out-String) + ($proxy | Format-List * | Out-String)
            $shown | Should -Not -Match 'eyJ[\w-]+\.[\w-]+|ya29\.'
        }
        finally { $proxy | Stop-MlflowTrackingProxy }
    }

    It 'fails without the proxy once the token of Get-MlflowTrackingToken expires, which the proxy prevents' {
        $token = $Deployment | Get-MlflowTrackingToken -AsPlainText -Refresh
        $headers = @{ Authorization = "Bearer $($token.Token)" }
        $uri = "$("$($Deployment.TrackingUri)".TrimEnd('/'))/api/2.0/mlflow/experiments/search?max_results=1"
        { Invoke-RestMethod $uri -Headers $headers } | Should -Not -Throw
        Start-Sleep -Seconds ($TokenSeconds + 1)
        { Invoke-RestMethod $uri -Headers $headers } | Should -Throw '*401*'
    }

    It 'uploads a 100 MB artifact in parts straight to the bucket and reads it back identical' {
        $proxy = $Deployment | Start-MlflowTrackingProxy
        try {
            $run = New-TestRun $proxy.LocalUri 'big-artifact'
            $partSize = 10MB
            $parts = 10
            $directory = "$($run.experiment_id)/$($run.run_id)/artifacts/model"
            $created = Invoke-Mlflow $proxy.LocalUri Post "mlflow-artifacts/mpu/create/$directory" @{ path = 'weights.bin'; num_parts = $parts }
            @($created.credentials).Count | Should -Be $parts

            $sent = [System.Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
            $uploaded = foreach ($credential in $created.credentials) {
                $bytes = Get-PartBytes $credential.part_number $partSize
                $sent.AppendData($bytes)
                # The part goes to the signed URL, not through the proxy or App Engine: no request carries more than 10 MB.
                ([uri] $credential.url).AbsolutePath | Should -Match '^/storage/'
                $content = [System.Net.Http.ByteArrayContent]::new($bytes)
                $response = $Http.PutAsync($credential.url, $content).GetAwaiter().GetResult()
                $response.StatusCode | Should -Be 'OK'
                @{ part_number = $credential.part_number; etag = $response.Headers.ETag.Tag }
            }
            $null = Invoke-Mlflow $proxy.LocalUri Post "mlflow-artifacts/mpu/complete/$directory" @{ path = 'weights.bin'; upload_id = $created.upload_id; parts = @($uploaded) }

            $listed = Invoke-Mlflow $proxy.LocalUri Get "mlflow/artifacts/list?run_id=$($run.run_id)&path=model"
            $listed.files[0].path | Should -Be 'model/weights.bin'
            $listed.files[0].file_size | Should -Be ($parts * $partSize)
            $download = $Http.GetStreamAsync("$($proxy.LocalUri)/api/2.0/mlflow-artifacts/artifacts/$directory/weights.bin").GetAwaiter().GetResult()
            try { $received = [System.Security.Cryptography.SHA256]::HashData($download) } finally { $download.Dispose() }
            [Convert]::ToHexString($received) | Should -Be ([Convert]::ToHexString($sent.GetHashAndReset()))
            $proxy.RequestsFailed | Should -Be 0
        }
        finally { $proxy | Stop-MlflowTrackingProxy }
    }

    It 'has a single 40 MB upload refused by the front door with 413' {
        $proxy = $Deployment | Start-MlflowTrackingProxy
        $file = Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-40mb-$PID.bin"
        try {
            $run = New-TestRun $proxy.LocalUri 'too-large'
            $stream = [IO.File]::Create($file)
            try { $stream.SetLength(40MB) } finally { $stream.Dispose() }
            $body = [System.Net.Http.StreamContent]::new([IO.File]::OpenRead($file))
            $uri = "$($proxy.LocalUri)/api/2.0/mlflow-artifacts/artifacts/$($run.experiment_id)/$($run.run_id)/artifacts/model.bin"
            $response = $Http.PutAsync($uri, $body).GetAwaiter().GetResult()

            [int] $response.StatusCode | Should -Be 413
            $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() | Should -Match 'Your client issued a request that was too large'
            # The proxy is still serving.
            (Invoke-Mlflow $proxy.LocalUri Get "mlflow/runs/get?run_id=$($run.run_id)").run.info.run_id | Should -Be $run.run_id
        }
        finally {
            $proxy | Stop-MlflowTrackingProxy
            Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
        }
    }

    It 'listens on loopback only unless -ListenAddress, and then warns' {
        $proxy = Start-MlflowTrackingProxy -TrackingUri $Deployment.TrackingUri -ListenAddress 0.0.0.0 -ServiceAccount "mlflow-log-pusher@$Project.iam.gserviceaccount.com" -WarningVariable warnings -WarningAction SilentlyContinue
        try {
            "$warnings" | Should -Match 'anyone who can reach this machine'
            $proxy.Name | Should -BeNullOrEmpty
        }
        finally { $proxy | Stop-MlflowTrackingProxy }
    }

    It 'leaves no listener after Stop-MlflowTrackingProxy, and lists only running proxies' {
        $proxy = $Deployment | Start-MlflowTrackingProxy
        Test-Listening $proxy.LocalUri | Should -BeTrue
        (Get-MlflowTrackingProxy -Name mlflow).LocalUri | Should -Contain $proxy.LocalUri

        $proxy | Stop-MlflowTrackingProxy

        Test-Listening $proxy.LocalUri | Should -BeFalse
        $proxy.IsRunning | Should -BeFalse
        (Get-MlflowTrackingProxy).LocalUri | Should -Not -Contain $proxy.LocalUri
    }

    It 'leaves no listener after Ctrl+C stops a proxy started with -Wait' {
        $port = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $port.Start(); $free = $port.LocalEndpoint.Port; $port.Stop()
        $script = "Import-Module '$ModulePath'; Start-MlflowTrackingProxy -ProjectId $Project -Port $free -Wait | Out-Null"
        $executable = (Get-Process -Id $PID).Path
        $start = [System.Diagnostics.ProcessStartInfo]::new($executable)
        if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $script) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $child = [System.Diagnostics.Process]::Start($start)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Listening "http://127.0.0.1:$free") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            Test-Listening "http://127.0.0.1:$free" | Should -BeTrue

            kill -INT $child.Id   # Ctrl+C
            $child.WaitForExit(30000) | Should -BeTrue
            Test-Listening "http://127.0.0.1:$free" | Should -BeFalse
        }
        finally { if (-not $child.HasExited) { $child.Kill() } }
    }
}
