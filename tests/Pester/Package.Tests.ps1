# The .nupkg that build.ps1 Package makes, installed as a user installs it (Install-PSResource, and Install-Module
# through PowerShellGet 2) in fresh pwsh processes that see neither the build output nor this session's modules,
# then imported from where it was installed and used to deploy against a standalone emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $EmulatorModule = (Resolve-Path (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1')).Path
    Import-Module $EmulatorModule -Force

    $Manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../OneClickMlflow.psd1')
    $Version = $Manifest.ModuleVersion
    $Prerelease = $Manifest.PrivateData.PSData.Prerelease
    $FullVersion = if ($Prerelease) { "$Version-$Prerelease" } else { $Version }
    $PackageFile = Join-Path (Split-Path $ModulePath -Parent) "packages/OneClickMlflow.$FullVersion.nupkg"

    # The only thing the installing processes are given: a folder repository holding the package.
    $RepositoryFolder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'repository')
    Copy-Item -LiteralPath $PackageFile -Destination $RepositoryFolder

    $Region = 'europe-west1'
    $DeploymentName = 'tracking'
    $WebAppUser = 'user:alice@example.com'
    # A digest-form image reference in the repository the deployment makes (its server may pull from it):
    # New-MlflowDeployment deploys the server, and no Docker engine builds the image here.
    function Get-PackageTestImage([string] $ProjectId) { "$Region-docker.pkg.dev/$ProjectId/$DeploymentName/mlflow@sha256:$('5e' * 32)" }

    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -Project 'pester-psresourceget', 'pester-powershellget' `
        -EnvFile (Join-Path $TestDrive 'emulator.env')

    function Invoke-CleanPwsh {
        # Runs a script in a new pwsh whose home is $HomeFolder (so its CurrentUser modules and repository
        # registrations live there, and nothing of this user's leaks in), with no PSModulePath and no pointer to the
        # build output. The script writes its findings as JSON to the file passed as -ResultFile; that is returned.
        param(
            [Parameter(Mandatory)] [string] $HomeFolder,
            [Parameter(Mandatory)] [string] $Script,
            [hashtable] $Parameters = @{}
        )
        $scriptFile = Join-Path $TestDrive "script-$([guid]::NewGuid().ToString('N')).ps1"
        $resultFile = [IO.Path]::ChangeExtension($scriptFile, '.json')
        Set-Content -LiteralPath $scriptFile -Value $Script

        $executable = (Get-Process -Id $PID).Path
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new($executable)
        # As a dotnet tool this pwsh runs as 'dotnet pwsh.dll'.
        if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { $startInfo.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in '-NoProfile', '-NoLogo', '-NonInteractive', '-File', $scriptFile, '-ResultFile', $resultFile) {
            $startInfo.ArgumentList.Add($argument)
        }
        foreach ($name in $Parameters.Keys) { $startInfo.ArgumentList.Add("-$name"); $startInfo.ArgumentList.Add([string]$Parameters[$name]) }
        $startInfo.Environment['HOME'] = $HomeFolder
        $startInfo.Environment['NO_COLOR'] = '1'
        foreach ($name in 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME',
            'ONECLICKMLFLOW_MODULE_PATH', 'ONECLICKMLFLOW_EMULATOR_DLL') {
            $null = $startInfo.Environment.Remove($name)
        }
        foreach ($name in @($startInfo.Environment.Keys) -match '^(CLOUDSDK_|GOOGLE_)') { $null = $startInfo.Environment.Remove($name) }
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true

        $process = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $output = $process.StandardOutput.ReadToEndAsync()
            $errors = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit(300000)) { $process.Kill($true); $process.WaitForExit() }
            if ($process.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $resultFile)) {
                throw "The fresh pwsh failed (exit code $($process.ExitCode)).`n$($output.Result)`n$($errors.Result)"
            }
        }
        finally { $process.Dispose() }
        Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json
    }

    # Installs OneClickMlflow from the folder repository with the given installer and reports what is installed.
    $InstallScript = @'
param([string] $ResultFile, [string] $Installer, [string] $RepositoryFolder)
$ErrorActionPreference = 'Stop'
$repository = 'OneClickMlflowLocal'
if ($Installer -eq 'Install-PSResource') {
    Register-PSResourceRepository -Name $repository -Uri $RepositoryFolder -Trusted
    $withoutPrerelease = @(Find-PSResource -Name OneClickMlflow -Repository $repository -ErrorAction SilentlyContinue)
    $found = Find-PSResource -Name OneClickMlflow -Repository $repository -Prerelease
    $markedPrerelease = $found.IsPrerelease
    $byCommand = @(Find-PSResource -CommandName New-MlflowDeployment -Repository $repository -Prerelease).ParentResource.Name
    Install-PSResource -Name OneClickMlflow -Repository $repository -Prerelease
    $installed = Get-InstalledPSResource -Name OneClickMlflow
    $foundVersion = "$($found.Version)-$($found.Prerelease)"
    $installedVersion = "$($installed.Version)-$($installed.Prerelease)"
}
else {
    Register-PSRepository -Name $repository -SourceLocation $RepositoryFolder -InstallationPolicy Trusted
    # PowerShellGet 2 lists a folder repository's only version even when it is a prerelease (PowerShellGetv2#701);
    # PowerShell Gallery filters it. What holds everywhere is the package's prerelease mark.
    $withoutPrerelease = @(Find-Module -Name OneClickMlflow -Repository $repository -ErrorAction SilentlyContinue |
        Where-Object { $_.AdditionalMetadata.IsPrerelease -ne 'true' })
    $found = Find-Module -Name OneClickMlflow -Repository $repository -AllowPrerelease
    # PowerShellGet 2 takes -AllowPrerelease only with one module name; the command is still matched by its tag.
    $byCommand = @(Find-Command -Name New-MlflowDeployment -ModuleName OneClickMlflow -Repository $repository -AllowPrerelease).ModuleName
    Install-Module -Name OneClickMlflow -Repository $repository -Scope CurrentUser -AllowPrerelease
    $installed = Get-InstalledModule -Name OneClickMlflow -AllowPrerelease
    $foundVersion = [string]$found.Version
    $markedPrerelease = $found.AdditionalMetadata.IsPrerelease -eq 'true'
    $installedVersion = [string]$installed.Version
}
@{
    FoundWithoutPrerelease = $withoutPrerelease.Count
    MarkedPrerelease       = [bool]$markedPrerelease
    FoundVersion           = $foundVersion
    FoundByCommand         = @($byCommand)
    InstalledVersion       = $installedVersion
    InstalledLocation      = $installed.InstalledLocation
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile
'@

    # Imports the installed module from a module path that holds only the CurrentUser folder and pwsh's own modules,
    # reads its commands and help, then deploys twice against the emulator whose env file it sources.
    $UseScript = @'
param([string] $ResultFile, [string] $EnvFile, [string] $EmulatorModule, [string] $ProjectId, [string] $Region,
    [string] $Name, [string] $WebAppUser, [string] $Image)
$ErrorActionPreference = 'Stop'
$userModules = if ($IsWindows) { Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell/Modules' }
else { Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'powershell/Modules' }
$env:PSModulePath = $userModules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')

Import-Module $EmulatorModule
Set-EmulatorEnvironment -Environment (Read-EmulatorEnvironment -Path $EnvFile)
Remove-Module EmulatorProcess

$module = Import-Module OneClickMlflow -PassThru
$help = Get-Help New-MlflowDeployment -Full

$deployArguments = @{ ProjectId = $ProjectId; Region = $Region; Name = $Name; WebAppUser = $WebAppUser }
if ($Image) { $deployArguments['Image'] = $Image }
$deployment = New-MlflowDeployment @deployArguments
$requests = "$($env:EMULATOR_URL)_emulator/requests"
$null = Invoke-RestMethod -Method Delete -Uri $requests
$again = New-MlflowDeployment @deployArguments
$mutatedByRerun = @(Invoke-RestMethod -Uri $requests | ForEach-Object { $_ } | Where-Object mutating)

# Get-Help -Online opens the system's browser (xdg-open here): this one writes down the address it is given.
$browser = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "browser-$PID") -Force
$opened = Join-Path $browser 'opened.txt'
Set-Content -LiteralPath (Join-Path $browser 'xdg-open') -Value "#!/bin/sh`necho `"`$1`" > '$opened'"
chmod +x (Join-Path $browser 'xdg-open')
$env:PATH = "$browser$([IO.Path]::PathSeparator)$env:PATH"
Get-Help New-MlflowDeployment -Online
$deadline = [DateTime]::UtcNow.AddSeconds(10)
while (-not (Test-Path $opened) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
function Complete([string] $Line) { @((TabExpansion2 $Line $Line.Length).CompletionMatches.CompletionText) }

@{
    ModulePath        = $env:PSModulePath
    ModuleBase        = $module.ModuleBase
    ModuleVersion     = [string]$module.Version
    Commands          = @((Get-Command -Module OneClickMlflow).Name)
    HelpSynopsis      = [string]$help.Synopsis
    HelpDescription   = ($help.description | Out-String).Trim()
    HelpParameters    = @($help.parameters.parameter | Where-Object { ($_.description | Out-String).Trim() } | ForEach-Object name)
    HelpExampleCount  = @($help.examples.example).Count
    DeploymentType    = $deployment.GetType().FullName
    EngineAssembly    = $deployment.GetType().Assembly.Location
    Deployment        = $deployment | Select-Object Name, ProjectId, Region, ArtifactDestination, DatabaseConnectionName,
        ImageRepository, LogPusherServiceAccount, ServerServiceAccount, WebAppUser, ChangeCount
    RerunChangeCount  = $again.ChangeCount
    RerunMutations    = @($mutatedByRerun | ForEach-Object { "$($_.method) $($_.path)" })
    ModuleFiles       = @(Get-ChildItem $module.ModuleBase -File).Name
    OnlineUri         = if (Test-Path $opened) { (Get-Content $opened -Raw).Trim() }
    AboutSynopsis     = [string](Get-Help about_OneClickMlflow).Synopsis
    AboutText         = Get-Help about_OneClickMlflow | Out-String
    HelpWithNullable  = @(Get-Command -Module OneClickMlflow | Where-Object { (Get-Help $_.Name -Full | Out-String -Width 250) -match 'Nullable' }).Name
    CpuDefault        = [string](Get-Help New-MlflowDeployment -Parameter Cpu).defaultValue
    NameCompletion    = Complete "Get-MlflowDeployment -ProjectId $ProjectId -Name "
    TierCompletion    = Complete 'New-MlflowDeployment -DatabaseTier db-g'
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultFile
'@
}

AfterAll {
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

# On Windows a CurrentUser install goes to Documents, which a child process cannot be pointed away from.
Describe 'The OneClickMlflow package installed with <Installer>' -Skip:$IsWindows -ForEach @(
    @{ Installer = 'Install-PSResource'; ProjectId = 'pester-psresourceget' }
    @{ Installer = 'Install-Module'; ProjectId = 'pester-powershellget' }
) {
    BeforeAll {
        $HomeFolder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "home-$Installer")
        $Installed = Invoke-CleanPwsh -HomeFolder $HomeFolder -Script $InstallScript -Parameters @{
            Installer = $Installer; RepositoryFolder = $RepositoryFolder
        }
        $Used = Invoke-CleanPwsh -HomeFolder $HomeFolder -Script $UseScript -Parameters @{
            EnvFile = $Emulator.EnvFile; EmulatorModule = $EmulatorModule; ProjectId = $ProjectId; Region = $Region
            Name = $DeploymentName; WebAppUser = $WebAppUser; Image = (Get-PackageTestImage $ProjectId)
        }
    }

    It 'finds and installs the manifest version, a prerelease, into the clean home' {
        $Installed.FoundVersion | Should -Be $FullVersion
        $Installed.InstalledVersion | Should -Be $FullVersion
        $Installed.InstalledLocation | Should -BeLike "$HomeFolder*"
    }

    It 'is a prerelease while below 1.0: marked so, and not offered as a stable version' {
        if ([version]$Version -lt [version]'1.0') { $Prerelease | Should -Not -BeNullOrEmpty }
        $Installed.MarkedPrerelease | Should -Be $true
        $Installed.FoundWithoutPrerelease | Should -Be 0
    }

    It 'is found by the name of a cmdlet it exports' {
        $Installed.FoundByCommand | Should -Be @('OneClickMlflow')
    }

    It 'imports from the installed copy, with a module path of only that folder and pwsh''s own modules' {
        $Used.ModuleBase | Should -BeLike "$HomeFolder*"
        $Used.ModuleVersion | Should -Be $Version
        $Used.ModulePath -split [IO.Path]::PathSeparator | Should -HaveCount 2
        $Used.ModulePath | Should -Not -BeLike "*$(Split-Path $ModulePath -Parent)*"
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $Used.Commands | Sort-Object | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'has the full help of New-MlflowDeployment' {
        $Used.HelpSynopsis | Should -Not -BeNullOrEmpty
        # Without a help file, Get-Help puts the syntax where the synopsis goes.
        $Used.HelpSynopsis | Should -Not -Match '^\s*New-MlflowDeployment \['
        $Used.HelpDescription | Should -Not -BeNullOrEmpty
        $Used.HelpParameters | Should -Contain 'Region'
        $Used.HelpParameters | Should -Contain 'WebAppUser'
        $Used.HelpExampleCount | Should -BeGreaterOrEqual 1
    }

    It 'deploys with the engine loaded from the installed copy' {
        $Used.DeploymentType | Should -Be 'OneClickMlflow.Deployment.MlflowDeployment'
        $Used.EngineAssembly | Should -BeLike "$HomeFolder*"
        $deployment = $Used.Deployment
        $deployment.Name | Should -Be $DeploymentName
        $deployment.ProjectId | Should -Be $ProjectId
        $deployment.Region | Should -Be $Region
        $deployment.ArtifactDestination | Should -Match '^gs://[a-z0-9-]+$'
        $deployment.DatabaseConnectionName | Should -BeLike "${ProjectId}:${Region}:*"
        $deployment.ImageRepository | Should -Be "$Region-docker.pkg.dev/$ProjectId/$DeploymentName"
        $deployment.ServerServiceAccount | Should -Be "$DeploymentName-server@$ProjectId.iam.gserviceaccount.com"
        $deployment.WebAppUser | Should -Be @($WebAppUser)
        $deployment.ChangeCount | Should -BeGreaterThan 0
    }

    It 'carries LICENSE and the third-party notices into the installed module' {
        $Used.ModuleFiles | Should -Contain 'LICENSE'
        $Used.ModuleFiles | Should -Contain 'THIRD-PARTY-NOTICES.txt'
    }

    It 'opens the cmdlet''s page in the repository with Get-Help -Online' {
        $Used.OnlineUri | Should -Be "$($Manifest.PrivateData.PSData.ProjectUri)/blob/main/docs/New-MlflowDeployment.md"
    }

    It 'shows about_OneClickMlflow with its short description and every cmdlet' {
        $Used.AboutSynopsis | Should -BeLike 'Deploys a private MLflow tracking server*'
        foreach ($cmdlet in $Manifest.CmdletsToExport) { $Used.AboutText | Should -Match $cmdlet }
    }

    It 'shows help without Nullable`1 types and with real defaults' {
        $Used.HelpWithNullable | Should -BeNullOrEmpty
        # Left out, -Cpu keeps what the serving version has; 1 is what a new deployment gets.
        $Used.CpuDefault | Should -Be "1 for a new deployment; else the serving version's"
    }

    It 'completes -Name with the project''s deployments and -DatabaseTier with Cloud SQL tiers' {
        $Used.NameCompletion | Should -Be @($DeploymentName)
        $Used.TierCompletion | Should -Be @('db-g1-small')
    }

    It 'converges on a re-run with no change and no mutating request' {
        $Used.RerunChangeCount | Should -Be 0
        $Used.RerunMutations | Should -BeNullOrEmpty
    }
}

Describe 'The OneClickMlflow package file' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($PackageFile)
        try {
            $Entries = @($zip.Entries.FullName)
            function Read-Entry([string] $Name) {
                $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq $Name).Open())
                try { $reader.ReadToEnd() } finally { $reader.Dispose() }
            }
            $License = Read-Entry 'LICENSE'
            $Notices = Read-Entry 'THIRD-PARTY-NOTICES.txt'
            [xml] $Nuspec = Read-Entry 'OneClickMlflow.nuspec'
        }
        finally { $zip.Dispose() }
    }

    It 'carries the Apache License 2.0 the manifest names' {
        $Entries | Should -Contain 'LICENSE'
        $License | Should -Match 'Apache License\s+Version 2\.0'
        $Manifest.PrivateData.PSData.LicenseUri | Should -BeLike '*/LICENSE'
    }

    It 'names every bundled third-party assembly in THIRD-PARTY-NOTICES.txt, with its package''s license' {
        $bundled = @($Entries | Where-Object { $_ -like 'dependencies/*.dll' -and $_ -notlike 'dependencies/OneClickMlflow.*' -and $_ -notlike 'dependencies/desktop/OneClickMlflow.*' })
        $bundled.Count | Should -BeGreaterThan 5
        foreach ($entry in $bundled) {
            $section = ($Notices -split '={80}') | Where-Object { $_ -match "Files:.*\b$([regex]::Escape($entry))\b" }
            $section | Should -Not -BeNullOrEmpty -Because "$entry is bundled"
        }
        foreach ($license in 'MIT', 'Apache-2.0', 'BSD-3-Clause') { $Notices | Should -Match "License:\s+$license" }
        $Notices | Should -Match 'Permission is hereby granted'
    }

    It 'is a prerelease below 1.0, tagged with each cmdlet for Find-Command, with release notes naming each cmdlet' {
        $metadata = $Nuspec.package.metadata
        $metadata.version | Should -Be $FullVersion
        $tags = $metadata.tags -split ' '
        foreach ($cmdlet in $Manifest.CmdletsToExport) {
            $tags | Should -Contain "PSCommand_$cmdlet"
            $tags | Should -Contain "PSCmdlet_$cmdlet"
            $metadata.releaseNotes | Should -Match $cmdlet
        }
        @($tags -like 'PSCommand_*').Count | Should -Be @($Manifest.CmdletsToExport).Count
    }
}
