# Get-MlflowTrackingToken from a fresh pwsh against the standalone emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-token'
    $LogPusher = "mlflow-log-pusher@$Project.iam.gserviceaccount.com"
    $Server = "https://$Project.uc.r.appspot.com"
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-pester-token-$PID.env") -Project $Project
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys + @('MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN')) {
        $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    # Asking the emulator for a key of the log pusher also makes the account.
    $key = Invoke-RestMethod -Method Post -Uri "$($Emulator.Environment['EMULATOR_URL'])_emulator/keys" -ContentType 'application/json' `
        -Body (@{ projectId = $Project; email = $LogPusher } | ConvertTo-Json)
    $LogPusherKeyPath = Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-pester-pusher-$PID.json"
    $key | ConvertTo-Json -Depth 5 | Set-Content -Path $LogPusherKeyPath

    function ConvertFrom-JwtPayload([string] $Jwt) {
        $part = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $part = $part.PadRight($part.Length + (4 - $part.Length % 4) % 4, '=')
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part)) | ConvertFrom-Json
    }

    Import-Module $ModulePath -Force
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
    if ($LogPusherKeyPath) { Remove-Item $LogPusherKeyPath -ErrorAction SilentlyContinue }
}

Describe 'Get-MlflowTrackingToken' {
    It 'returns a one-hour JWT of the log pusher for the server, signed through IAM Credentials' {
        $token = Get-MlflowTrackingToken -TrackingUri $Server -AsPlainText

        $token.GetType().FullName | Should -Be 'OneClickMlflow.Tokens.MlflowTrackingToken'
        $token.TrackingUri | Should -Be $Server
        $claims = ConvertFrom-JwtPayload $token.Token
        $claims.iss | Should -Be $LogPusher
        $claims.sub | Should -Be $LogPusher
        $claims.aud | Should -Be "$Server/*"
        ($claims.exp - $claims.iat) | Should -Be 3600
    }

    It 'returns a SecureString unless -AsPlainText, and a table without the token' {
        $token = Get-MlflowTrackingToken -TrackingUri $Server

        $token.Token | Should -BeOfType [securestring]
        $table = $token | Format-Table | Out-String
        $table | Should -Match 'ServiceAccount'
        $table | Should -Not -Match 'SecureString'
    }

    It 'sets MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN with -SetEnvironment' {
        $output = Get-MlflowTrackingToken -TrackingUri $Server -SetEnvironment

        $output | Should -BeNullOrEmpty
        $env:MLFLOW_TRACKING_URI | Should -Be $Server
        (ConvertFrom-JwtPayload $env:MLFLOW_TRACKING_TOKEN).iss | Should -Be $LogPusher
    }

    It 'signs with the key itself in a fresh pwsh whose credential is the log pusher key' {
        $command = "`$env:GOOGLE_APPLICATION_CREDENTIALS = '$LogPusherKeyPath'; Import-Module '$ModulePath'; " +
            "(Get-MlflowTrackingToken -TrackingUri $Server -AsPlainText -Verbose 4>&1 | Out-String)"
        $text = Invoke-FreshPwsh $command | Out-String

        $text | Should -Match 'with the key of mlflow-log-pusher'
        $text | Should -Match ([regex]::Escape($LogPusher))
    }

    It 'fails with PermissionDenied naming the role when the caller may not sign as the account' {
        $other = "elsewhere@$Project.iam.gserviceaccount.com"
        { Get-MlflowTrackingToken -TrackingUri $Server -ServiceAccount $other -ErrorAction Stop } |
            Should -Throw -ErrorId 'TrackingTokenPermissionDenied,OneClickMlflow.PowerShell.Cmdlets.GetMlflowTrackingTokenCommand'
    }
}
