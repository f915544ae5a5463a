# Shared by the Pester files: where the built module and emulator are, and how to start a fresh pwsh.
$ModulePath = if ($env:ONECLICKMLFLOW_MODULE_PATH) { $env:ONECLICKMLFLOW_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OneClickMlflow' }
$EmulatorDll = if ($env:ONECLICKMLFLOW_EMULATOR_DLL) { $env:ONECLICKMLFLOW_EMULATOR_DLL } else { Join-Path $PSScriptRoot '../../out/emulator/OneClickMlflow.Emulator.dll' }

function Invoke-FreshPwsh([Parameter(Mandatory)] [string] $Command) {
    # This same pwsh in a new process (as a dotnet tool it runs as 'dotnet pwsh.dll').
    $executable = (Get-Process -Id $PID).Path
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $executable @prefix -NoProfile -NoLogo -NonInteractive -Command $Command
}

function Get-TestImage([Parameter(Mandatory)] [string] $Project) {
    # A server image pinned by digest for -Image, in the repository the deployment 'mlflow' makes in the project (so its
    # server may pull it): the emulator deploys it without pulling, so no Docker engine is needed.
    "europe-west1-docker.pkg.dev/$Project/mlflow/mlflow@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

function Enable-EmulatorGcloud([Parameter(Mandatory)] [string] $ConfigDirectory) {
    # gcloud signed in as the emulator's deployer key, in a configuration folder of its own (the user's stays untouched).
    $env:CLOUDSDK_CONFIG = $ConfigDirectory
    $env:CLOUDSDK_CORE_DISABLE_PROMPTS = '1'
    $null = gcloud auth activate-service-account --key-file $env:GOOGLE_APPLICATION_CREDENTIALS 2>&1
}

function Disable-EmulatorGcloud {
    Remove-Item Env:CLOUDSDK_CONFIG, Env:CLOUDSDK_CORE_DISABLE_PROMPTS -ErrorAction SilentlyContinue
}

function Find-CryptographyPython {
    # A python that can run the image's IAP header check (it needs the cryptography package): gcloud's bundled python
    # has it wherever gcloud is installed (CI), python3 may have it too. Nothing when neither does.
    $candidates = @()
    $gcloud = Get-Command gcloud -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($gcloud) {
        $target = [System.IO.File]::ResolveLinkTarget($gcloud.Source, $true)
        $sdk = Split-Path (Split-Path $(if ($target) { $target.FullName } else { $gcloud.Source }))
        $candidates += Join-Path $sdk 'platform/bundledpythonunix/bin/python3'
    }
    $candidates += @(Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Source)
    foreach ($candidate in $candidates | Where-Object { $_ -and (Test-Path -LiteralPath $_) }) {
        & $candidate -c 'import cryptography' 2>$null
        if ($LASTEXITCODE -eq 0) { return $candidate }
    }
}

function Enter-TestEmulator([Parameter(Mandatory)] [string] $Project, [Parameter(Mandatory)] [string] $EnvFile) {
    # The emulator for one test file, with this process pointed at it; Exit-TestEmulator puts the variables back.
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force
    $emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile $EnvFile -Project $Project
    $saved = @{}
    foreach ($name in $emulator.Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $emulator | Add-Member -NotePropertyName SavedEnvironment -NotePropertyValue $saved -PassThru
    Set-EmulatorEnvironment -Environment $emulator.Environment
}

function Exit-TestEmulator($Emulator) {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if (-not $Emulator) { return }
    Set-EmulatorEnvironment -Environment $Emulator.SavedEnvironment
    Stop-EmulatorProcess $Emulator
}

function New-TestDeployment([Parameter(Mandatory)] [string] $Project, [Parameter(Mandatory)] [string] $Name) {
    # A deployment of the emulator project whose image lives in its own repository; returns that image.
    $image = (Get-TestImage $Project) -replace '/mlflow/mlflow@', "/$Name/mlflow@"
    $null = New-MlflowDeployment -ProjectId $Project -Region europe-west1 -Name $Name -WebAppUser user:alice@example.com -Image $image -Confirm:$false
    $image
}
