# The built module as a user gets it: layout, manifest, exports, import cost.
BeforeDiscovery {
    $script:ModulePath = if ($env:ONECLICKMLFLOW_MODULE_PATH) { $env:ONECLICKMLFLOW_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OneClickMlflow' }
}

BeforeAll {
    $ModulePath = if ($env:ONECLICKMLFLOW_MODULE_PATH) { $env:ONECLICKMLFLOW_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OneClickMlflow' }
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
        # This same pwsh, started fresh (as a dotnet tool it is 'dotnet pwsh.dll').
        $host_ = (Get-Process -Id $PID).Path
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $loaded = & $host_ @prefix -NoProfile -NoLogo -Command "Import-Module '$ModulePath'; [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'OneClickMlflow.Core'"
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
        $null = Get-Command Test-MlflowPrerequisite
        $report = [System.Type]::GetType('OneClickMlflow.Prerequisites.PrerequisiteReport, OneClickMlflow.Core')
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'OneClickMlflow.Core' }
        if (-not $core) { $core = $report.Assembly }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Name | Should -Be 'OneClickMlflow'
    }

    It 'ships the about_OneClickMlflow help topic' {
        Get-Help about_OneClickMlflow | Out-String | Should -Match 'Test-MlflowPrerequisite'
    }
}
