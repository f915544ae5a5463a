# The built module as a user gets it: layout, manifest, exports, import cost.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $ManifestPath = Join-Path $ModulePath 'OneClickMlflow.psd1'
    $Manifest = Import-PowerShellDataFile $ManifestPath
    $ImportTime = Measure-Command { Import-Module $ModulePath -Force }
    Write-Host ("Import-Module OneClickMlflow took {0:N0} ms" -f $ImportTime.TotalMilliseconds)
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
}

Describe 'The OneClickMlflow module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports exactly the cmdlets its manifest lists' {
        $exported = (Get-Module OneClickMlflow).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        (Get-Module OneClickMlflow).ExportedFunctions.Count | Should -Be 0
        (Get-Module OneClickMlflow).ExportedAliases.Count | Should -Be 0
    }

    It 'imports in under three seconds' {
        $ImportTime.TotalSeconds | Should -BeLessThan 3
    }

    It 'does no work at import: the core assembly is not loaded yet' {
        $loaded = Invoke-FreshPwsh "Import-Module '$ModulePath'; [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'OneClickMlflow.Core'"
        $loaded | Should -Be 'False'
    }

    It 'stamps the manifest version on its assemblies' {
        $assembly = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModulePath 'OneClickMlflow.PowerShell.dll'))
        $assembly.Version.ToString(3) | Should -Be $Manifest.ModuleVersion
    }

    It 'keeps only the cmdlet assembly in its root and the rest in dependencies/' {
        (Get-ChildItem $ModulePath -Filter *.dll).Name | Should -Be 'OneClickMlflow.PowerShell.dll'
        Join-Path $ModulePath 'dependencies/OneClickMlflow.Core.dll' | Should -Exist
    }

    It 'loads the core into its own assembly load context' {
        # Resolving the declared output type is the first use of the core assembly.
        $reportType = (Get-Command Test-MlflowPrerequisite).OutputType.Type | Where-Object Name -eq 'PrerequisiteReport'
        $reportType.Assembly.GetName().Name | Should -Be 'OneClickMlflow.Core'
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($reportType.Assembly).Name | Should -Be 'OneClickMlflow'
    }

    It 'ships the about_OneClickMlflow help topic' {
        Get-Help about_OneClickMlflow | Out-String | Should -Match 'Test-MlflowPrerequisite'
    }
}
