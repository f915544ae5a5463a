# The .nupkg that build.ps1 Package makes installs from a PSResource repository and imports.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $PackageFolder = Join-Path (Split-Path $ModulePath -Parent) 'packages'
    $Version = (Import-PowerShellDataFile (Join-Path $ModulePath 'OneClickMlflow.psd1')).ModuleVersion
    $Repository = "OneClickMlflowPester-$PID"
    Register-PSResourceRepository -Name $Repository -Uri $PackageFolder -Trusted
    $InstallRoot = Join-Path $TestDrive 'modules'
    New-Item -ItemType Directory -Path $InstallRoot | Out-Null
}

AfterAll {
    Unregister-PSResourceRepository -Name $Repository -ErrorAction SilentlyContinue
}

Describe 'The OneClickMlflow package' {
    It 'is found in the repository at the manifest version' {
        (Find-PSResource -Name OneClickMlflow -Repository $Repository).Version.ToString() | Should -Be $Version
    }

    It 'installs and imports with its cmdlets in a fresh pwsh' {
        Save-PSResource -Name OneClickMlflow -Repository $Repository -Path $InstallRoot -TrustRepository
        Join-Path $InstallRoot "OneClickMlflow/$Version/dependencies/OneClickMlflow.Core.dll" | Should -Exist

        $commands = Invoke-FreshPwsh "`$env:PSModulePath = '$InstallRoot'; Import-Module OneClickMlflow -ErrorAction Stop; (Get-Command -Module OneClickMlflow).Name"
        $commands | Should -Contain 'Test-MlflowPrerequisite'
    }
}
