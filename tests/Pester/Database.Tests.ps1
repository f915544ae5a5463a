# The database layer of New-MlflowDeployment from a fresh pwsh against the standalone emulator: gcloud reads back the
# Cloud SQL instance, database, user and secret, and the password appears in nothing the module writes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-database'
    $TestImage = Get-TestImage $Project
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-database-$PID.env") -Project $Project
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    $HasGcloud = [bool](Get-Command gcloud -ErrorAction SilentlyContinue)
    if ($HasGcloud) {
        Enable-EmulatorGcloud -ConfigDirectory (Join-Path $TestDrive 'gcloud')
    }

    function Get-StoredPassword {
        # The value the server would read, through Secret Manager's API (only the test ever reads it).
        gcloud secrets versions access latest --secret mlflow-db-password --project $Project 2>$null
    }
}

AfterAll {
    Disable-EmulatorGcloud
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'New-MlflowDeployment: the database' -Skip:(-not (Get-Command gcloud -ErrorAction SilentlyContinue)) {
    BeforeAll {
        # Everything the runs write goes under one folder: the temp directory of the fresh pwsh, the transcript, the streams.
        $Written = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'written') -Force
        $RunTemp = New-Item -ItemType Directory -Path (Join-Path $Written 'tmp') -Force
        $Transcript = Join-Path $Written 'transcript.txt'
        $Streams = Join-Path $Written 'streams.txt'
        $Errors = Join-Path $Written 'errors.txt'
        $Output = Join-Path $Written 'deployment.json'
        $script = @"
`$env:TMPDIR = '$RunTemp'; `$env:TEMP = '$RunTemp'; `$env:TMP = '$RunTemp'
Start-Transcript -LiteralPath '$Transcript' -Append -IncludeInvocationHeader | Out-Null
Import-Module '$ModulePath'
function Save([object[]] `$all) {
    `$all | Out-Host
    `$all | Out-String -Width 4096 | Add-Content -LiteralPath '$Streams'
    `$all | Format-List * -Force | Out-String -Width 4096 | Add-Content -LiteralPath '$Streams'
    `$all | Where-Object { `$_.PSObject.TypeNames -contains 'OneClickMlflow.Deployment.MlflowDeployment' } |
        Select-Object Name, Database* | ConvertTo-Json -Compress | Add-Content -LiteralPath '$Output'
}
Save (New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1 -Verbose -Debug *>&1)
# The secret is lost between runs (the test deletes it): this run sets a new password and stores it.
if (`$args[0] -eq 'repair') { Save (New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1 -Verbose -Debug *>&1) }
# A refused run: its error record and message are collected too.
Save (New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1 -DatabaseVersion MYSQL_8_0 -Verbose -Debug *>&1)
`$Error | Format-List * -Force | Out-String -Width 4096 | Add-Content -LiteralPath '$Errors'
`$Error | ForEach-Object { `$_.Exception.ToString() } | Add-Content -LiteralPath '$Errors'
Stop-Transcript | Out-Null
"@
        $scriptFile = Join-Path $TestDrive 'deploy-with-every-stream.ps1'
        Set-Content -LiteralPath $scriptFile -Value $script
        $Printed = @(Invoke-FreshPwsh -Command "& '$scriptFile' first" 2>&1) -join "`n"
        $FirstPassword = Get-StoredPassword
        $null = gcloud secrets delete mlflow-db-password --project $Project --quiet 2>&1
        $Printed += @(Invoke-FreshPwsh -Command "& '$scriptFile' repair" 2>&1) -join "`n"
        $SecondPassword = Get-StoredPassword
        $Deployment = Get-Content -LiteralPath $Output -TotalCount 1 | ConvertFrom-Json
    }

    It 'returns the database outputs, naming the secret but not its value' {
        $Deployment.DatabaseInstance | Should -Be 'mlflow-db'
        $Deployment.DatabaseConnectionName | Should -Be "${Project}:europe-west1:mlflow-db"
        $Deployment.DatabasePrivateIp | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        $Deployment.DatabaseVersion | Should -Be 'MYSQL_8_4'
        $Deployment.DatabasePasswordSecret | Should -Be "projects/$Project/secrets/mlflow-db-password"
    }

    It 'gcloud describes a private, TLS-only, backed-up and protected instance' {
        $instance = gcloud sql instances describe mlflow-db --project $Project --format=json | ConvertFrom-Json
        $instance.state | Should -Be 'RUNNABLE'
        $instance.databaseVersion | Should -Be 'MYSQL_8_4'
        $instance.settings.edition | Should -Be 'ENTERPRISE'
        $instance.settings.tier | Should -Be 'db-g1-small'
        $instance.settings.ipConfiguration.ipv4Enabled | Should -BeFalse
        $instance.settings.ipConfiguration.privateNetwork | Should -Be "projects/$Project/global/networks/mlflow-network"
        $instance.settings.ipConfiguration.sslMode | Should -Be 'ENCRYPTED_ONLY'
        $instance.settings.backupConfiguration.enabled | Should -BeTrue
        $instance.settings.backupConfiguration.binaryLogEnabled | Should -BeTrue
        $instance.settings.deletionProtectionEnabled | Should -BeTrue
        @($instance.ipAddresses.type) | Should -Be @('PRIVATE')
    }

    It 'gcloud lists the mlflow database in utf8mb4' {
        $databases = gcloud sql databases list --instance mlflow-db --project $Project --format=json | ConvertFrom-Json
        $mlflow = $databases | Where-Object name -eq 'mlflow'
        $mlflow.charset | Should -Be 'utf8mb4'
        $mlflow.collation | Should -Be 'utf8mb4_0900_ai_ci'
    }

    It 'gcloud lists the mlflow user' {
        $users = gcloud sql users list --instance mlflow-db --project $Project --format=json | ConvertFrom-Json
        $users | Where-Object { $_.name -eq 'mlflow' -and $_.host -eq '%' } | Should -Not -BeNullOrEmpty
    }

    It 'gcloud lists the labelled secret, which holds a new password after it was lost' {
        $secrets = gcloud secrets list --project $Project --format=json | ConvertFrom-Json
        $secret = $secrets | Where-Object name -like '*/secrets/mlflow-db-password'
        $secret.labels.'oneclick-mlflow' | Should -Be 'mlflow'
        $FirstPassword | Should -Match '^[A-Za-z0-9]{32}$'
        $SecondPassword | Should -Match '^[A-Za-z0-9]{32}$'
        $SecondPassword | Should -Not -Be $FirstPassword
    }

    It 'writes no password into the streams, errors, transcript or any file it touched' {
        # The streams were really collected: verbose lines, and debug lines of the Cloud SQL and Secret Manager calls.
        (Get-Content -LiteralPath $Streams -Raw) | Should -Match 'Plan: \d+ to create'
        (Get-Content -LiteralPath $Streams -Raw) | Should -Match '/sql/v1beta4/projects/.*/users'
        (Get-Content -LiteralPath $Streams -Raw) | Should -Match ':addVersion'
        (Get-Content -LiteralPath $Transcript -Raw) | Should -Match 'Plan: \d+ to create'
        (Get-Content -LiteralPath $Errors -Raw) | Should -Match 'downgrade'
        $files = @(Get-ChildItem -LiteralPath $Written, $ModulePath -File -Recurse -Force)
        $files.Count | Should -BeGreaterThan 4
        foreach ($password in $FirstPassword, $SecondPassword) {
            $Printed.Contains($password) | Should -BeFalse
            foreach ($file in $files) {
                $text = [Text.Encoding]::UTF8.GetString([IO.File]::ReadAllBytes($file.FullName))
                $text.Contains($password) | Should -BeFalse -Because "$($file.Name) must not hold the password"
            }
        }
    }
}
