# Tests of the MLflow server image shipped in the module (src/OneClickMlflow.PowerShell/Image).
# The entrypoint runs with bash against stubs of mlflow, the Secret Manager reader, the schema
# upgrade helper and nproc (tests/Image/stubs); python3 is the real one, wrapped to record its
# arguments. The Python helpers run with the real python3 against fake google.auth / mlflow.db
# packages (tests/Image/fakes) and a loopback HTTP listener standing in for Secret Manager.
# The scripts are Linux scripts: on other systems (e.g. Windows PowerShell 5.1 in CI) or without
# bash and python3 the behaviour tests are skipped rather than failed.

BeforeDiscovery {
    $script:CannotRunScripts = -not ($IsLinux -or $IsMacOS) -or
        -not (Get-Command bash -CommandType Application -ErrorAction SilentlyContinue) -or
        -not (Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue)
    # build.ps1 Test sets it to the built module; a bare run of this file has no module to check.
    $script:NoBuiltModule = -not $env:ONECLICKMLFLOW_MODULE_PATH
}

BeforeAll {
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ImageDir = Join-Path $RepoRoot 'src/OneClickMlflow.PowerShell/Image'
    $script:StubDir = Join-Path $RepoRoot 'tests/Image/stubs'
    $script:FakesDir = Join-Path $RepoRoot 'tests/Image/fakes'
    $script:RealPython = if (Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue) {
        (& python3 -c 'import sys; print(sys.executable)').Trim()
    }
    $script:WorkDirs = [System.Collections.Generic.List[string]]::new()
    $script:Utf8 = [System.Text.UTF8Encoding]::new($false)

    $script:SecretName = 'projects/demo-project/secrets/mlflow-db-password/versions/latest'
    $script:AppHost = 'demo-project.ew.r.appspot.com'
    $script:IapAudience = '/projects/123456789012/apps/demo-project'

    function New-WorkDir {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ('oneclickmlflow-image-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $path
        $script:WorkDirs.Add($path)
        $path
    }

    # Runs a program with exactly the given environment; WhileRunning runs after the start.
    function Invoke-Program {
        param(
            [Parameter(Mandatory)][string] $FileName,
            [string[]] $ArgumentList = @(),
            [Parameter(Mandatory)][hashtable] $Environment,
            [scriptblock] $WhileRunning
        )
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new($FileName)
        foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardInput = $true
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.StandardOutputEncoding = $script:Utf8
        $startInfo.StandardErrorEncoding = $script:Utf8
        $startInfo.Environment.Clear()
        foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = [string]$Environment[$name] }

        $process = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $process.StandardInput.Close()
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            if ($WhileRunning) { & $WhileRunning $process }
            if (-not $process.WaitForExit(60000)) {
                $process.Kill($true)
                throw "$FileName did not finish within 60 seconds"
            }
            [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
        }
        finally {
            $process.Dispose()
        }
    }

    function Read-NulSeparated([string] $Path) {
        $text = [System.IO.File]::ReadAllText($Path, $script:Utf8)
        if ($text.Length -eq 0) { return , @() }
        , $text.TrimEnd([char]0).Split([char]0)
    }

    function Get-RecordedCalls([string] $RecordDir) {
        $log = Join-Path $RecordDir 'calls.log'
        if (-not (Test-Path $log)) { return , @() }
        $names = @(Get-Content -LiteralPath $log)
        $calls = for ($i = 0; $i -lt $names.Count; $i++) {
            $prefix = Join-Path $RecordDir ('{0:D3}-{1}' -f $i, $names[$i])
            $environment = @{}
            foreach ($entry in (Read-NulSeparated "$prefix.env")) {
                $name, $value = $entry.Split('=', 2)
                $environment[$name] = $value
            }
            [pscustomobject]@{ Name = $names[$i]; Argv = (Read-NulSeparated "$prefix.argv"); Env = $environment }
        }
        , @($calls)
    }

    # Runs entrypoint.sh against the stubs. Environment adds or overrides variables; a $null
    # value removes one. Without -NoSecret the secret reader prints Secret.
    function Invoke-Entrypoint {
        param(
            [hashtable] $Environment = @{},
            [string] $Secret = 'Sup3rSecretPassw0rd',
            [switch] $NoSecret
        )
        $work = New-WorkDir
        $records = (New-Item -ItemType Directory -Path (Join-Path $work 'records')).FullName
        $secretFile = Join-Path $work 'secret'
        if (-not $NoSecret) { [System.IO.File]::WriteAllText($secretFile, $Secret, $script:Utf8) }
        $caFile = Join-Path $work 'server-ca.pem'
        [System.IO.File]::WriteAllText($caFile, "-----BEGIN CERTIFICATE-----`nTEST`n-----END CERTIFICATE-----`n")

        $variables = @{
            PATH                 = "$($script:StubDir):$env:PATH"
            HOME                 = $work
            TMPDIR               = $work
            STUB_RECORD_DIR      = $records
            STUB_SECRET_FILE     = $secretFile
            STUB_REAL_PYTHON3    = $script:RealPython
            DB_PRIVATE_IP        = '10.20.0.3'
            DB_NAME              = 'mlflow'
            DB_USER              = 'mlflow'
            DB_PASSWORD_SECRET   = $script:SecretName
            DB_SERVER_CA         = $caFile
            ARTIFACT_DESTINATION = 'gs://demo-project-mlflow-artifacts/artifacts'
            ALLOWED_HOSTS        = $script:AppHost
            IAP_AUDIENCE         = $script:IapAudience
        }
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { $variables.Remove($name) } else { $variables[$name] = $Environment[$name] }
        }
        $result = Invoke-Program -FileName 'bash' -ArgumentList (Join-Path $script:ImageDir 'entrypoint.sh') -Environment $variables
        $calls = Get-RecordedCalls $records
        $result | Add-Member -PassThru -NotePropertyMembers @{
            Calls  = $calls
            CaFile = $caFile
            Mlflow = @($calls | Where-Object Name -EQ 'mlflow')
        }
    }

    # Decodes with Python's urllib.parse.unquote, the counterpart of the entrypoint's encoder.
    function ConvertFrom-PercentEncoding([string] $Value) {
        $decode = 'import os, sys, urllib.parse; sys.stdout.buffer.write(urllib.parse.unquote(os.environ["ENCODED"]).encode())'
        (Invoke-Program -FileName $script:RealPython -ArgumentList '-c', $decode -Environment @{ ENCODED = $Value }).StdOut
    }

    function Get-UriPassword([string] $Uri) {
        if ($Uri -notmatch '^mysql\+pymysql://[^:@/]+:(?<password>[^@]*)@') { throw "no password in $Uri" }
        $Matches.password
    }
}

AfterAll {
    foreach ($path in $script:WorkDirs) { Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Image entrypoint' -Skip:$CannotRunScripts {
    Context 'a normal start' {
        BeforeAll {
            $script:run = Invoke-Entrypoint -Environment @{ STUB_NPROC = '1' }
        }

        It 'exits 0 and starts nothing but the secret read, the schema upgrade and the server, in that order' {
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            ($run.Calls | Where-Object Name -NE 'python3').Name | Should -Be @('mlflow-read-secret', 'mlflow-db-upgrade', 'mlflow')
        }

        It 'reads the password from the named Secret Manager version' {
            ($run.Calls | Where-Object Name -EQ 'mlflow-read-secret').Argv | Should -Be @($SecretName)
        }

        It 'runs mlflow server with exactly the expected arguments' {
            $run.Mlflow.Count | Should -Be 1
            $run.Mlflow[0].Argv | Should -Be @(
                'server',
                '--host', '0.0.0.0',
                '--port', '8080',
                '--workers', '3',
                '--serve-artifacts',
                '--artifacts-destination', 'gs://demo-project-mlflow-artifacts/artifacts',
                '--allowed-hosts', "$AppHost,localhost,localhost:8080,127.0.0.1,127.0.0.1:8080",
                '--app-name', 'oneclickmlflow-iap')
        }

        It 'hands mlflow the MySQL URL with TLS verified against the server CA' {
            $expected = 'mysql+pymysql://mlflow:Sup3rSecretPassw0rd@10.20.0.3:3306/mlflow?ssl_ca=' +
                [uri]::EscapeDataString($run.CaFile) + '&ssl_check_hostname=false'
            $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI'] | Should -BeExactly $expected
        }

        It 'upgrades the schema of the same database before starting the server' {
            $upgrade = $run.Calls | Where-Object Name -EQ 'mlflow-db-upgrade'
            $upgrade.Argv | Should -BeNullOrEmpty
            $upgrade.Env['MLFLOW_BACKEND_STORE_URI'] | Should -BeExactly $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI']
        }

        It 'prints no warning' {
            $run.StdErr | Should -BeNullOrEmpty
        }
    }

    Context 'a password with every URL-special character' {
        BeforeAll {
            $script:password = "p@ss:w/o?r#d[x]%25&a+b=c !`$'()*,;`"<>\^``{|}~é"
            $script:run = Invoke-Entrypoint -Secret $password
            $script:uri = $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI']
        }

        It 'starts the server' {
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
        }

        It 'percent-encodes the password so that the URL keeps its shape' {
            Get-UriPassword $uri | Should -Match '^[A-Za-z0-9._~%-]+$'
            $uri | Should -Match '@10\.20\.0\.3:3306/mlflow\?ssl_ca='
        }

        It 'round-trips through urllib.parse.unquote to the original password' {
            ConvertFrom-PercentEncoding (Get-UriPassword $uri) | Should -BeExactly $password
        }

        It 'never puts the password, plain or encoded, on any command line' {
            $encoded = Get-UriPassword $uri
            foreach ($call in $run.Calls) {
                foreach ($argument in $call.Argv) {
                    $argument.Contains($password) | Should -BeFalse -Because "$($call.Name) got it as an argument"
                    $argument.Contains($encoded) | Should -BeFalse -Because "$($call.Name) got it as an argument"
                }
            }
        }

        It 'exports the password only in MLFLOW_BACKEND_STORE_URI, and only to the upgrade and the server' {
            $encoded = Get-UriPassword $uri
            foreach ($call in $run.Calls) {
                foreach ($name in $call.Env.Keys) {
                    $value = $call.Env[$name]
                    $carries = $value.Contains($password) -or $value.Contains($encoded)
                    $allowed = $name -eq 'MLFLOW_BACKEND_STORE_URI' -and $call.Name -in 'mlflow', 'mlflow-db-upgrade'
                    if (-not $allowed) { $carries | Should -BeFalse -Because "$($call.Name) saw it in $name" }
                }
            }
            ($run.Calls | Where-Object Name -EQ 'python3').Env.Keys | Should -Not -Contain 'MLFLOW_BACKEND_STORE_URI'
        }
    }

    Context 'secret failures' {
        It 'stops with a clear error when the secret cannot be read, and never starts mlflow' {
            $run = Invoke-Entrypoint -NoSecret
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match "could not read the database password from Secret Manager secret $([regex]::Escape($SecretName))"
            $run.StdErr | Should -Match 'NOT_FOUND'
            $run.Calls.Name | Should -Not -Contain 'mlflow'
            $run.Calls.Name | Should -Not -Contain 'mlflow-db-upgrade'
        }

        It 'stops with a clear error when the secret is empty' {
            $run = Invoke-Entrypoint -Secret ''
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match 'is empty'
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }
    }

    Context 'configuration errors' {
        It 'names the missing required variable <Name>' -TestCases @(
            @{ Name = 'DB_PRIVATE_IP' }, @{ Name = 'DB_NAME' }, @{ Name = 'DB_USER' },
            @{ Name = 'DB_PASSWORD_SECRET' }, @{ Name = 'ARTIFACT_DESTINATION' }, @{ Name = 'ALLOWED_HOSTS' }
        ) {
            $run = Invoke-Entrypoint -Environment @{ $Name = $null }
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match "required environment variable\(s\) not set: .*\b$Name\b"
            $run.Calls.Name | Should -Not -Contain 'mlflow-read-secret'
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }

        It 'names every missing variable at once' {
            $run = Invoke-Entrypoint -Environment @{ DB_NAME = $null; ALLOWED_HOSTS = $null }
            $run.StdErr | Should -Match 'not set: DB_NAME ALLOWED_HOSTS'
        }

        It 'rejects <Name>=<Value>' -TestCases @(
            @{ Name = 'DB_PASSWORD_SECRET'; Value = 'mlflow-db-password' },
            @{ Name = 'ARTIFACT_DESTINATION'; Value = '/var/artifacts' },
            @{ Name = 'DB_PRIVATE_IP'; Value = 'db.internal;rm' },
            @{ Name = 'PORT'; Value = '80a' },
            @{ Name = 'WORKERS'; Value = '0' },
            @{ Name = 'ALLOWED_HOSTS'; Value = ' , ' }
        ) {
            $run = Invoke-Entrypoint -Environment @{ $Name = $Value }
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match $Name
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }

        It 'reports a missing DB_SERVER_CA file' {
            $run = Invoke-Entrypoint -Environment @{ DB_SERVER_CA = '/nonexistent/server-ca.pem' }
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match "DB_SERVER_CA file '/nonexistent/server-ca.pem' does not exist"
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }

        It 'does not start the server when the schema upgrade fails' {
            $run = Invoke-Entrypoint -Environment @{ STUB_DB_UPGRADE_EXIT = '1' }
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match 'upgrading the MLflow database schema failed'
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }

        It 'passes on the exit code of mlflow server' {
            $run = Invoke-Entrypoint -Environment @{ STUB_MLFLOW_EXIT = '3' }
            $run.ExitCode | Should -Be 3
        }
    }

    Context 'IAP header check' {
        It 'hands the IAP settings to the server, whose app plugin checks the header' {
            $run = Invoke-Entrypoint -Environment @{ IAP_PUBLIC_KEYS_URL = 'https://keys.example.com/jwk' }
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $run.Mlflow[0].Env['IAP_AUDIENCE'] | Should -Be $IapAudience
            $run.Mlflow[0].Env['IAP_PUBLIC_KEYS_URL'] | Should -Be 'https://keys.example.com/jwk'
        }

        It 'stops before reading the secret with <Case>' -TestCases @(
            @{ Case = 'no IAP_AUDIENCE'; Environment = @{ IAP_AUDIENCE = $null }; Message = 'IAP_AUDIENCE is not set: it must be /projects/PROJECT_NUMBER/apps/PROJECT_ID' }
            @{ Case = 'an IAP_AUDIENCE that names the project by id'; Environment = @{ IAP_AUDIENCE = '/projects/demo-project/apps/demo-project' }; Message = 'IAP_AUDIENCE must be /projects/PROJECT_NUMBER/apps/PROJECT_ID' }
            @{ Case = 'IAP_VERIFY=maybe'; Environment = @{ IAP_VERIFY = 'maybe' }; Message = "IAP_VERIFY must be 'on' or 'off'" }
            @{ Case = 'keys over plain HTTP from elsewhere'; Environment = @{ IAP_PUBLIC_KEYS_URL = 'http://keys.example.com/jwk' }; Message = 'IAP_PUBLIC_KEYS_URL must be an https:// URL' }
            @{ Case = 'IAP_VERIFY=off and GAE_INSTANCE'; Environment = @{ IAP_VERIFY = 'off'; GAE_INSTANCE = 'aef-default-v1-abcd' }; Message = 'IAP_VERIFY=off is refused on App Engine' }
            @{ Case = 'IAP_VERIFY=off and GAE_SERVICE'; Environment = @{ IAP_VERIFY = 'off'; GAE_SERVICE = 'default' }; Message = 'IAP_VERIFY=off is refused on App Engine' }
            @{ Case = 'IAP_VERIFY=off and GAE_VERSION'; Environment = @{ IAP_VERIFY = 'off'; GAE_VERSION = 'v1' }; Message = 'IAP_VERIFY=off is refused on App Engine' }
        ) {
            $run = Invoke-Entrypoint -Environment $Environment
            $run.ExitCode | Should -Not -Be 0
            $run.StdErr | Should -Match ([regex]::Escape("mlflow-entrypoint: error: $Message"))
            $run.Calls.Name | Should -Not -Contain 'mlflow-read-secret'
            $run.Calls.Name | Should -Not -Contain 'mlflow'
        }

        It 'takes keys over plain HTTP from loopback (a local key server)' {
            $run = Invoke-Entrypoint -Environment @{ IAP_PUBLIC_KEYS_URL = 'http://127.0.0.1:8123/gstatic/iap/verify/public_key-jwk' }
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
        }

        It 'starts without IAP_AUDIENCE under IAP_VERIFY=off outside App Engine, with a warning' {
            $run = Invoke-Entrypoint -Environment @{ IAP_VERIFY = 'off'; IAP_AUDIENCE = $null }
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $run.StdErr | Should -Match "warning: IAP_VERIFY=off: requests are served without checking IAP's signed header"
            $run.Mlflow[0].Env['IAP_VERIFY'] | Should -Be 'off'
        }
    }

    Context 'server CA' {
        It 'writes DB_SERVER_CA_PEM to a file and verifies the server against it' {
            $pem = "-----BEGIN CERTIFICATE-----`nMIIDfjCCAmagAwIBAgIBADANBgkqhkiG9w0BAQsFADB3MS0wKwYDVQQuEyQ`n-----END CERTIFICATE-----"
            $run = Invoke-Entrypoint -Environment @{ DB_SERVER_CA = $null; DB_SERVER_CA_PEM = $pem }
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $uri = $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI']
            $uri -match '\?ssl_ca=(?<path>[^&]+)&ssl_check_hostname=false$' | Should -BeTrue -Because $uri
            $caPath = [uri]::UnescapeDataString($Matches.path)
            (Get-Content -LiteralPath $caPath -Raw).TrimEnd("`n") | Should -BeExactly $pem
        }

        It 'warns and still requires TLS when no CA is given' {
            $run = Invoke-Entrypoint -Environment @{ DB_SERVER_CA = $null }
            $run.ExitCode | Should -Be 0
            $run.StdErr | Should -Match 'warning: neither DB_SERVER_CA nor DB_SERVER_CA_PEM is set'
            $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI'] | Should -BeExactly 'mysql+pymysql://mlflow:Sup3rSecretPassw0rd@10.20.0.3:3306/mlflow?ssl_check_hostname=false'
        }
    }

    Context 'workers, port and allowed hosts' {
        It 'runs <Expected> workers on <Cpus> CPU(s)' -TestCases @(
            @{ Cpus = '1'; Expected = '3' }, @{ Cpus = '2'; Expected = '4' }, @{ Cpus = '16'; Expected = '4' }
        ) {
            $run = Invoke-Entrypoint -Environment @{ STUB_NPROC = $Cpus }
            $argv = $run.Mlflow[0].Argv
            $argv[[array]::IndexOf($argv, '--workers') + 1] | Should -Be $Expected
        }

        It 'takes the worker count from WORKERS when set' {
            $run = Invoke-Entrypoint -Environment @{ WORKERS = '6'; STUB_NPROC = '1' }
            $argv = $run.Mlflow[0].Argv
            $argv[[array]::IndexOf($argv, '--workers') + 1] | Should -Be '6'
        }

        It 'listens on PORT and allows every host in ALLOWED_HOSTS plus loopback on that port' {
            $run = Invoke-Entrypoint -Environment @{ PORT = '9000'; ALLOWED_HOSTS = "$AppHost, mlflow.example.com" }
            $argv = $run.Mlflow[0].Argv
            $argv[[array]::IndexOf($argv, '--port') + 1] | Should -Be '9000'
            $argv[[array]::IndexOf($argv, '--allowed-hosts') + 1] |
                Should -BeExactly "$AppHost,mlflow.example.com,localhost,localhost:9000,127.0.0.1,127.0.0.1:9000"
        }

        It 'percent-encodes the user and database names' {
            $run = Invoke-Entrypoint -Environment @{ DB_USER = 'ml user'; DB_NAME = 'ml/flow' }
            $run.Mlflow[0].Env['MLFLOW_BACKEND_STORE_URI'] | Should -BeLike 'mysql+pymysql://ml%20user:*@10.20.0.3:3306/ml%2Fflow?*'
        }
    }
}

Describe 'mlflow-read-secret' -Skip:$CannotRunScripts {
    BeforeAll {
        # Runs the reader against a loopback listener that answers one request with Status and Body.
        function Invoke-SecretReader {
            param(
                [string[]] $ArgumentList = @($SecretName),
                [int] $Status = 200,
                [string] $Body = '',
                [hashtable] $Environment = @{}
            )
            $port = Get-Random -Minimum 20000 -Maximum 60000
            $listener = [System.Net.HttpListener]::new()
            $listener.Prefixes.Add("http://127.0.0.1:$port/")
            $listener.Start()
            $request = @{}
            try {
                $variables = @{
                    PATH                                          = $env:PATH
                    PYTHONPATH                                    = $script:FakesDir
                    PYTHONDONTWRITEBYTECODE                       = '1'
                    FAKE_GOOGLE_ACCESS_TOKEN                      = 'test-access-token'
                    CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER = "http://127.0.0.1:$port/"
                }
                foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
                $answer = {
                    param($process)
                    $pending = $listener.GetContextAsync()
                    while (-not $pending.Wait(100)) {
                        if ($process.HasExited) { return }
                    }
                    $context = $pending.Result
                    $request.Method = $context.Request.HttpMethod
                    $request.Path = $context.Request.RawUrl
                    $request.Authorization = $context.Request.Headers['Authorization']
                    $bytes = $script:Utf8.GetBytes($Body)
                    $context.Response.StatusCode = $Status
                    $context.Response.ContentType = 'application/json'
                    $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                    $context.Response.Close()
                }
                $result = Invoke-Program -FileName $script:RealPython -ArgumentList (@(Join-Path $script:ImageDir 'mlflow-read-secret') + $ArgumentList) -Environment $variables -WhileRunning $answer
                $result | Add-Member -PassThru -NotePropertyName Request -NotePropertyValue ([pscustomobject]$request)
            }
            finally {
                $listener.Close()
            }
        }

        function ConvertTo-AccessResponse([string] $Payload) {
            @{ name = "$SecretName"; payload = @{ data = [Convert]::ToBase64String($script:Utf8.GetBytes($Payload)) } } | ConvertTo-Json -Compress
        }
    }

    It 'prints exactly the decoded payload, read with a bearer token from Application Default Credentials' {
        $payload = "p@ss w/rd:%&é`n"
        $run = Invoke-SecretReader -Body (ConvertTo-AccessResponse $payload)
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.StdOut | Should -BeExactly $payload
        $run.StdErr | Should -BeNullOrEmpty
        $run.Request.Method | Should -Be 'GET'
        $run.Request.Path | Should -Be "/v1/$($SecretName):access"
        $run.Request.Authorization | Should -Be 'Bearer test-access-token'
    }

    It 'fails with Google''s status and message when the secret does not exist' {
        $body = '{"error":{"code":404,"message":"Secret [projects/1/secrets/mlflow-db-password] not found or has no versions.","status":"NOT_FOUND"}}'
        $run = Invoke-SecretReader -Status 404 -Body $body
        $run.ExitCode | Should -Be 1
        $run.StdOut | Should -BeNullOrEmpty
        $run.StdErr | Should -Match "cannot access $([regex]::Escape($SecretName)): HTTP 404 NOT_FOUND Secret \[projects/1/secrets/mlflow-db-password\] not found"
    }

    It 'fails when the secret version is empty' {
        $run = Invoke-SecretReader -Body (ConvertTo-AccessResponse '')
        $run.ExitCode | Should -Be 1
        $run.StdOut | Should -BeNullOrEmpty
        $run.StdErr | Should -Match 'is empty'
    }

    It 'fails clearly without Google credentials' {
        $run = Invoke-SecretReader -Environment @{ FAKE_GOOGLE_AUTH_ERROR = 'Your default credentials were not found.' }
        $run.ExitCode | Should -Be 1
        $run.StdErr | Should -Match 'no usable Google credentials: Your default credentials were not found'
    }

    It 'rejects an argument that is not a secret version name' {
        $run = Invoke-SecretReader -ArgumentList @('projects/demo-project/secrets/mlflow-db-password')
        $run.ExitCode | Should -Be 2
        $run.StdErr | Should -Match 'usage: mlflow-read-secret'
        $run.Request.Path | Should -BeNullOrEmpty
    }
}

Describe 'mlflow-db-upgrade' -Skip:$CannotRunScripts {
    BeforeAll {
        function Invoke-DbUpgrade([hashtable] $Environment) {
            $record = Join-Path (New-WorkDir) 'upgrade-call'
            $variables = @{ PATH = $env:PATH; PYTHONPATH = $script:FakesDir; PYTHONDONTWRITEBYTECODE = '1'; FAKE_MLFLOW_RECORD = $record }
            foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
            $result = Invoke-Program -FileName $script:RealPython -ArgumentList (Join-Path $script:ImageDir 'mlflow-db-upgrade') -Environment $variables
            $recorded = if (Test-Path $record) { @(Get-Content -LiteralPath $record) } else { @() }
            $result | Add-Member -PassThru -NotePropertyName Recorded -NotePropertyValue $recorded
        }
        $script:url = 'mysql+pymysql://mlflow:p%40ss%20word@10.20.0.3:3306/mlflow?ssl_check_hostname=false'
    }

    It 'runs mlflow''s own "db upgrade" command on the URL from MLFLOW_BACKEND_STORE_URI' {
        $run = Invoke-DbUpgrade @{ MLFLOW_BACKEND_STORE_URI = $url }
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.Recorded | Should -Be @('mlflow db upgrade', 'False', $url)
    }

    It 'fails when MLFLOW_BACKEND_STORE_URI is not set' {
        $run = Invoke-DbUpgrade @{}
        $run.ExitCode | Should -Be 2
        $run.StdErr | Should -Match 'MLFLOW_BACKEND_STORE_URI is not set'
    }

    It 'reports a failure without the password, plain or encoded' {
        $run = Invoke-DbUpgrade @{ MLFLOW_BACKEND_STORE_URI = $url; FAKE_MLFLOW_UPGRADE_ERROR = 'Could not connect to' }
        $run.ExitCode | Should -Be 1
        $run.StdErr | Should -Match 'mlflow-db-upgrade: RuntimeError: Could not connect to mysql\+pymysql://mlflow:\*\*\*@10\.20\.0\.3'
        $run.StdErr | Should -Not -Match 'p%40ss%20word|p@ss word'
    }
}

Describe 'Image Dockerfile' {
    BeforeAll {
        $dockerfile = Get-Content -LiteralPath (Join-Path $ImageDir 'Dockerfile') -Raw
        $entrypoint = Get-Content -LiteralPath (Join-Path $ImageDir 'entrypoint.sh') -Raw
    }

    It 'installs the IAP check plugin in the same resolver run as MLflow' {
        $dockerfile | Should -Match '(?m)^COPY iap-guard /opt/oneclickmlflow/iap-guard$'
        $dockerfile | Should -Match '(?m)pip install --no-cache-dir "mlflow==\$\{MLFLOW_VERSION\}" -r /opt/oneclickmlflow/requirements\.txt \\\s+/opt/oneclickmlflow/iap-guard$'
    }

    It 'pins a MLflow 3.x release by default, overridable with MLFLOW_VERSION' {
        $dockerfile | Should -Match '(?m)^ARG MLFLOW_VERSION=3\.\d+\.\d+\s*$'
        $dockerfile | Should -Match 'pip install --no-cache-dir "mlflow==\$\{MLFLOW_VERSION\}"'
    }

    It 'installs every helper the entrypoint runs, and the entrypoint itself' {
        foreach ($helper in 'mlflow-read-secret', 'mlflow-db-upgrade') {
            $entrypoint | Should -Match "(?m)\b$helper\b"
            $dockerfile | Should -Match "(?m)^COPY .*\b$helper\b.* /usr/local/bin/"
        }
        $dockerfile | Should -Match '(?m)^COPY entrypoint\.sh /usr/local/bin/mlflow-entrypoint$'
        $dockerfile | Should -Match '(?m)^ENTRYPOINT \["/usr/local/bin/mlflow-entrypoint"\]$'
    }

    It 'runs as a fixed non-root uid and exposes 8080' {
        $dockerfile | Should -Match '(?m)^ARG APP_UID=(?!0\b)\d+$'
        $dockerfile | Should -Match '(?m)^USER \$\{APP_UID\}:\$\{APP_UID\}$'
        $dockerfile | Should -Match '(?m)^EXPOSE 8080$'
    }

    It 'builds without BuildKit-only syntax' {
        $dockerfile | Should -Not -Match '(?m)^# *syntax='
        $dockerfile | Should -Not -Match '--chmod|--chown=|--mount='
    }

    It 'pins every requirement except the one MLflow bounds itself' {
        $requirements = Get-Content -LiteralPath (Join-Path $ImageDir 'requirements.txt') |
            Where-Object { $_ -and -not $_.StartsWith('#') }
        $requirements | Should -Contain 'cryptography'
        $requirements | Where-Object { $_ -ne 'cryptography' } | ForEach-Object { $_ | Should -Match '^[A-Za-z0-9._-]+==\d+(\.\d+)+$' }
    }
}

Describe 'The built module' -Skip:$NoBuiltModule {
    It 'ships the image definition, unchanged, in its image folder' {
        $shipped = Join-Path $env:ONECLICKMLFLOW_MODULE_PATH 'image'
        Test-Path -LiteralPath $shipped -PathType Container | Should -BeTrue -Because "the module needs $shipped to build the server image"
        $files = @(Get-ChildItem -File -Recurse -LiteralPath $ImageDir)
        $files.Name | Should -Contain 'pyproject.toml' -Because 'the IAP check plugin is part of the image'
        foreach ($file in $files) {
            $relative = [IO.Path]::GetRelativePath($ImageDir, $file.FullName)
            $copy = Join-Path $shipped $relative
            Test-Path -LiteralPath $copy | Should -BeTrue -Because "$relative belongs to the image"
            (Get-FileHash -LiteralPath $copy).Hash | Should -Be (Get-FileHash -LiteralPath $file.FullName).Hash -Because "$relative must be shipped as is"
        }
    }
}

Describe 'Image shell scripts' {
    BeforeDiscovery {
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $script:ShellScripts = @(
            Get-ChildItem -File -Path (Join-Path $root 'src/OneClickMlflow.PowerShell/Image'), (Join-Path $root 'tests/Image/stubs') |
                Where-Object { $_.Extension -eq '.sh' -or (Get-Content -LiteralPath $_.FullName -TotalCount 1) -match '^#!.*\b(ba)?sh\b' } |
                ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    }

    It 'passes shellcheck: <Name>' -TestCases $ShellScripts {
        if (-not (Get-Command shellcheck -CommandType Application -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'shellcheck is not installed (Debian package "shellcheck")'
            return
        }
        $output = & shellcheck --external-sources --source-path=SCRIPTDIR $Path 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
    }
}
