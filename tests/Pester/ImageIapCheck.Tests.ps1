# Tests of the server image's IAP header check (src/OneClickMlflow.PowerShell/Image/iap-guard) with real ES256
# signatures: the emulator signs assertions as its IAP front door does and publishes its keys at gstatic's path; the
# check runs as the image's `mlflow.app` entry point (oneclickmlflow_iap.mlflow_app:app) around a fake MLflow server
# app (tests/Image/fakes), served over loopback HTTP by tests/Image/asgi-host.py in place of uvicorn.
# It needs a python with `cryptography` (gcloud's bundled one, or python3) and the built emulator; without either it
# is skipped, saying why. Tokens never appear in the output: bodies and logs are only searched for them.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')

    $script:SkipReason = if (-not ($IsLinux -or $IsMacOS) -or -not (Find-CryptographyPython)) {
        'no python with the cryptography package (install gcloud, whose bundled python has it, or python3-cryptography)'
    }
    elseif (-not (Test-Path -LiteralPath $EmulatorDll)) { "the emulator is not built ($EmulatorDll)" }
    if ($SkipReason) { Write-Warning "Skipping the tests of the image's IAP header check: $SkipReason." }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:PluginDir = Join-Path $RepoRoot 'src/OneClickMlflow.PowerShell/Image/iap-guard'
    $script:FakesDir = Join-Path $RepoRoot 'tests/Image/fakes'
    $script:Audience = '/projects/123456789012/apps/pester-iap'
    $script:EntryPoint = 'oneclickmlflow_iap.mlflow_app:app'
    $script:Hosts = [System.Collections.Generic.List[object]]::new()

    function Get-PythonEnvironment([hashtable] $Variables) {
        $environment = @{
            PATH                    = $env:PATH
            PYTHONPATH              = "$PluginDir$([IO.Path]::PathSeparator)$FakesDir"
            PYTHONDONTWRITEBYTECODE = '1'
        }
        foreach ($name in $Variables.Keys) { $environment[$name] = $Variables[$name] }
        $environment
    }

    function New-PythonStart([string[]] $ArgumentList, [hashtable] $Environment) {
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new($IapPython)
        foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardInput = $true
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.Environment.Clear()
        foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = [string]$Environment[$name] }
        $startInfo
    }

    # Serves the image's entry point with the given environment; returns the process, its URL and its log file.
    function Start-GuardedServer([hashtable] $Variables = @{ IAP_AUDIENCE = $Audience; IAP_PUBLIC_KEYS_URL = $KeysUrl }) {
        $log = Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-iap-check-$([guid]::NewGuid().ToString('N')).log"
        $arguments = @((Join-Path $RepoRoot 'tests/Image/asgi-host.py'), $EntryPoint, $log)
        $process = [System.Diagnostics.Process]::Start((New-PythonStart -ArgumentList $arguments -Environment (Get-PythonEnvironment $Variables)))
        $server = [pscustomobject]@{ Process = $process; Url = $null; LogFile = $log; Errors = $process.StandardError.ReadToEndAsync() }
        $script:Hosts.Add($server)
        $first = $process.StandardOutput.ReadLineAsync()
        if (-not $first.Wait(30000) -or $first.Result -notmatch '^listening on (\d+)$') {
            $null = $process.WaitForExit(10000)
            throw "the guarded server did not start: $(if ($server.Errors.IsCompleted) { $server.Errors.Result })"
        }
        $server.Url = "http://127.0.0.1:$($Matches[1])"
        $server
    }

    function Get-ServerLog($Server) {
        if (Test-Path -LiteralPath $Server.LogFile) { @(Get-Content -LiteralPath $Server.LogFile) } else { @() }
    }

    function Stop-GuardedServer($Server) {
        try { $Server.Process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
        if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill($true) }
        $Server.Process.Dispose()
        Remove-Item -LiteralPath $Server.LogFile -ErrorAction SilentlyContinue
    }

    function Invoke-Guarded($Server, [string] $Path, [string] $Assertion, [string] $Method = 'GET') {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), "$($Server.Url)$Path")
        if ($Assertion) { $null = $request.Headers.TryAddWithoutValidation('x-goog-iap-jwt-assertion', $Assertion) }
        $response = $Http.SendAsync($request).GetAwaiter().GetResult()
        [pscustomobject]@{ Status = [int]$response.StatusCode; Body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() }
    }

    function Invoke-Admin([string] $Path, [hashtable] $Body) {
        Invoke-RestMethod -Method Post -Uri "$($EmulatorUrl)_emulator/$Path" -ContentType 'application/json' -Body ($Body | ConvertTo-Json)
    }

    # The assertion the emulator's IAP front door adds, changed as a test needs.
    function New-Assertion([string] $For = $Audience, [long] $IssuedAt = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds(), [string] $Issuer = 'https://cloud.google.com/iap') {
        (Invoke-Admin 'iap-assertions' @{ audience = $For; member = 'user:alice@example.com'; issuedAt = $IssuedAt; issuer = $Issuer }).assertion
    }

    function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    function ConvertTo-JwtPart($Value) { ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($Value | ConvertTo-Json -Compress))) }
    function Get-Claims {
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        [ordered]@{ iss = 'https://cloud.google.com/iap'; aud = $Audience; sub = 'accounts.google.com:1'; email = 'mallory@example.com'; iat = $now; exp = $now + 600 }
    }

    # An ES256 token signed by a key IAP does not own, under the key id IAP signs with or another one.
    function New-ForeignAssertion([string] $KeyId) {
        $signed = (ConvertTo-JwtPart ([ordered]@{ alg = 'ES256'; kid = $KeyId; typ = 'JWT' })) + '.' + (ConvertTo-JwtPart (Get-Claims))
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        try {
            # .NET signs in the r || s form JWS uses.
            "$signed." + (ConvertTo-Base64Url $key.SignData([Text.Encoding]::ASCII.GetBytes($signed), [System.Security.Cryptography.HashAlgorithmName]::SHA256))
        }
        finally { $key.Dispose() }
    }

    function Get-PublishedKeys { (Invoke-RestMethod -Uri $KeysUrl).keys }

    function Get-KeyFetchCount {
        @((Invoke-RestMethod -Uri "$($EmulatorUrl)_emulator/requests") | Where-Object { $_.path -eq '/gstatic/iap/verify/public_key-jwk' }).Count
    }
}

Describe 'The image''s IAP header check' -Skip:([bool]$SkipReason) {
    BeforeAll {
        $script:IapPython = Find-CryptographyPython
        $script:Http = [System.Net.Http.HttpClient]::new()
        $script:Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-pester-iap-$PID.env") -Project 'pester-iap'
        $script:EmulatorUrl = $Emulator.Environment['EMULATOR_URL']
        $script:KeysUrl = $Emulator.Environment['IAP_PUBLIC_KEYS_URL']
    }

    AfterAll {
        foreach ($server in $Hosts) { Stop-GuardedServer $server }
        if ($Http) { $Http.Dispose() }
        if ($Emulator) { Stop-EmulatorProcess $Emulator }
    }

    Context 'serving the MLflow app entry point' {
        BeforeAll {
            $script:Server = Start-GuardedServer
            $script:CurrentKeyId = @(Get-PublishedKeys)[-1].kid
        }

        It 'passes a request with the assertion IAP signs for the app to the server' {
            $response = Invoke-Guarded $Server '/api/2.0/mlflow/experiments/search' (New-Assertion)

            $response.Status | Should -Be 200
            ($response.Body | ConvertFrom-Json).served | Should -Be '/api/2.0/mlflow/experiments/search'
        }

        It 'refuses <Case> with 401 and a body without the token' -TestCases @(
            @{ Case = 'a request without the header'; Kind = 'missing' }
            @{ Case = 'an expired assertion'; Kind = 'expired' }
            @{ Case = 'an assertion for another app'; Kind = 'audience' }
            @{ Case = 'an assertion from another issuer'; Kind = 'issuer' }
            @{ Case = 'an assertion signed by another key under IAP''s key id'; Kind = 'foreign' }
            @{ Case = 'an unsigned assertion (alg none)'; Kind = 'none' }
            @{ Case = 'an HS256 assertion keyed with IAP''s public keys'; Kind = 'hs256' }
            @{ Case = 'a header that is not a JWT'; Kind = 'garbage' }
        ) {
            $assertion = switch ($Kind) {
                'missing' { '' }
                'expired' { New-Assertion -IssuedAt ([DateTimeOffset]::UtcNow.AddHours(-1).ToUnixTimeSeconds()) }
                'audience' { New-Assertion -For '/projects/999/apps/other-project' }
                'issuer' { New-Assertion -Issuer 'https://accounts.google.com' }
                'foreign' { New-ForeignAssertion -KeyId $CurrentKeyId }
                'none' { (ConvertTo-JwtPart @{ alg = 'none'; kid = $CurrentKeyId }) + '.' + (ConvertTo-JwtPart (Get-Claims)) + '.' }
                'hs256' {
                    $signed = (ConvertTo-JwtPart ([ordered]@{ alg = 'HS256'; kid = $CurrentKeyId })) + '.' + (ConvertTo-JwtPart (Get-Claims))
                    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes((Get-PublishedKeys | ConvertTo-Json -Compress)))
                    "$signed." + (ConvertTo-Base64Url $hmac.ComputeHash([Text.Encoding]::ASCII.GetBytes($signed)))
                }
                'garbage' { 'not-a-jwt' }
            }

            $response = Invoke-Guarded $Server '/api/2.0/mlflow/experiments/search' $assertion

            $response.Status | Should -Be 401
            ($response.Body | ConvertFrom-Json).error_code | Should -Be 'UNAUTHENTICATED'
            if ($assertion) { $response.Body.Contains($assertion) | Should -BeFalse }
        }

        It 'guards <Path> (<Method>)' -TestCases @(
            @{ Path = '/'; Method = 'GET' }
            @{ Path = '/static-files/main.js'; Method = 'GET' }
            @{ Path = '/api/2.0/mlflow/runs/create'; Method = 'POST' }
            @{ Path = '/ajax-api/2.0/mlflow/runs/search'; Method = 'POST' }
            @{ Path = '/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/model.pkl'; Method = 'PUT' }
            @{ Path = '/version'; Method = 'GET' }
            @{ Path = '/health'; Method = 'POST' }
            @{ Path = '/health/'; Method = 'GET' }
            @{ Path = '/_ah/health'; Method = 'GET' }
        ) {
            (Invoke-Guarded $Server $Path '' $Method).Status | Should -Be 401
        }

        It 'keeps App Engine''s health check open without a header' {
            $get = Invoke-Guarded $Server '/health' ''
            $head = Invoke-Guarded $Server '/health' '' 'HEAD'

            $get.Status | Should -Be 200
            ($get.Body | ConvertFrom-Json).served | Should -Be '/health'
            $head.Status | Should -Be 200
        }

        It 'logs one line per refusal with its reason, never the token' {
            $assertion = New-Assertion -For '/projects/999/apps/other-project'
            $before = (Get-ServerLog $Server).Count

            $null = Invoke-Guarded $Server '/api/2.0/mlflow/experiments/search' $assertion

            $lines = @(Get-ServerLog $Server | Select-Object -Skip $before)
            $lines.Count | Should -Be 1
            $lines[0] | Should -Match "refused GET '/api/2.0/mlflow/experiments/search': the assertion is for another audience"
            ((Get-ServerLog $Server) -join "`n").Contains($assertion) | Should -BeFalse
        }
    }

    Context 'IAP''s public keys' {
        BeforeAll {
            $null = Invoke-RestMethod -Method Delete -Uri "$($EmulatorUrl)_emulator/requests"
            $script:Fresh = Start-GuardedServer
        }

        It 'fetches the keys once, again for a key id it has not seen, and not for every unknown one' {
            $first = Invoke-Guarded $Fresh '/api/2.0/mlflow/experiments/search' (New-Assertion)
            $second = Invoke-Guarded $Fresh '/api/2.0/mlflow/experiments/search' (New-Assertion)
            $fetchedAt = [DateTime]::UtcNow
            $afterFirst = Get-KeyFetchCount
            # IAP rotates its key; the check refetches for a new key id at most once every 5 seconds.
            $newKeyId = (Invoke-Admin 'iap-keys' @{}).kid
            Start-Sleep -Milliseconds ([Math]::Max(0, 5200 - ([DateTime]::UtcNow - $fetchedAt).TotalMilliseconds))
            $rotated = New-Assertion

            $afterRotation = Invoke-Guarded $Fresh '/api/2.0/mlflow/experiments/search' $rotated
            $afterRotationCount = Get-KeyFetchCount
            $unknown = Invoke-Guarded $Fresh '/api/2.0/mlflow/experiments/search' (New-ForeignAssertion -KeyId 'no-such-key')

            @($first.Status, $second.Status, $afterRotation.Status, $unknown.Status) | Should -Be @(200, 200, 200, 401)
            $afterFirst | Should -Be 1
            $afterRotationCount | Should -Be 2
            Get-KeyFetchCount | Should -Be 2
            @(Get-PublishedKeys).kid | Should -Contain $newKeyId
        }
    }

    Context 'configuration' {
        It 'refuses to load with <Case>' -TestCases @(
            @{ Case = 'no IAP_AUDIENCE'; Variables = @{}; Message = 'IAP_AUDIENCE is not set' }
            @{ Case = 'an audience that is not App Engine''s'; Variables = @{ IAP_AUDIENCE = '/projects/123/global/backendServices/456' }; Message = 'IAP_AUDIENCE must be /projects/PROJECT_NUMBER/apps/PROJECT_ID' }
            @{ Case = 'keys over plain HTTP from elsewhere'; Variables = @{ IAP_AUDIENCE = '/projects/1/apps/demo'; IAP_PUBLIC_KEYS_URL = 'http://keys.example.com/jwk' }; Message = 'IAP_PUBLIC_KEYS_URL must be an https:// URL' }
            @{ Case = 'IAP_VERIFY=off on App Engine'; Variables = @{ IAP_VERIFY = 'off'; GAE_INSTANCE = 'aef-default-v1-abcd' }; Message = 'IAP_VERIFY=off is refused on App Engine' }
            @{ Case = 'IAP_VERIFY=maybe'; Variables = @{ IAP_VERIFY = 'maybe'; IAP_AUDIENCE = '/projects/1/apps/demo' }; Message = "IAP_VERIFY must be 'on' or 'off'" }
        ) {
            { Start-GuardedServer -Variables $Variables } | Should -Throw "*$Message*"
        }

        It 'serves unchecked with IAP_VERIFY=off outside App Engine, saying so' {
            $open = Start-GuardedServer -Variables @{ IAP_VERIFY = 'off' }

            (Invoke-Guarded $open '/api/2.0/mlflow/experiments/search' '').Status | Should -Be 200
            (Get-ServerLog $open) -join "`n" | Should -Match 'IAP check off \(IAP_VERIFY=off\)'
        }

        It 'installs as the mlflow.app entry point the entrypoint names, an ASGI object MLflow does not call as a factory' {
            $environment = Get-PythonEnvironment @{ PYTHONPATH = $FakesDir; IAP_AUDIENCE = $Audience; IAP_PUBLIC_KEYS_URL = $KeysUrl }
            $process = [System.Diagnostics.Process]::Start((New-PythonStart -ArgumentList @((Join-Path $RepoRoot 'tests/Image/find-mlflow-app.py'), $PluginDir, 'oneclickmlflow-iap') -Environment $environment))
            $process.StandardInput.Close()
            $errors = $process.StandardError.ReadToEndAsync()
            $output = $process.StandardOutput.ReadToEnd()
            $process.WaitForExit()
            if ($process.ExitCode -eq 3) {
                Set-ItResult -Skipped -Because "this python's setuptools cannot build wheels ($IapPython)"
                return
            }
            $process.ExitCode | Should -Be 0 -Because $errors.Result
            $found = $output | ConvertFrom-Json

            $found.value | Should -Be $EntryPoint
            $found.factory | Should -BeFalse
            $found.callable | Should -BeTrue
            Get-Content -Raw (Join-Path $RepoRoot 'src/OneClickMlflow.PowerShell/Image/entrypoint.sh') | Should -Match 'IAP_APP_NAME=oneclickmlflow-iap'
        }
    }
}
