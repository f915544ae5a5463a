# The module next to another module that brings its own Polly.Core, Google.Apis and Docker.DotNet (older and newer
# than the module's) or System.Text.Json: in a fresh pwsh, the other module's assemblies are loaded before or after
# the import, then the module checks prerequisites and plans a deployment against the emulator, and both sides are
# asked which versions they see. Also what the module ships: only assemblies some PowerShell loads.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../../tools/DependencyLayout.psm1') -Force

    $Project = 'pester-isolation'
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path $TestDrive 'emulator.env') -Project $Project
    $Dependencies = (Resolve-Path (Join-Path $ModulePath 'dependencies')).Path
    $Desktop = Join-Path $Dependencies 'desktop'
    $Shipped = @{}
    foreach ($file in Get-ChildItem $Dependencies -Filter *.dll -Recurse) { $Shipped[$file.BaseName] = $file }

    # Small stand-ins for another module's copies: the real name and public key (so the runtime takes them for
    # the real thing), another version, and a marker type that says which version the other code sees.
    Add-Type -TypeDefinition "public static class RoslynWarmUp$([guid]::NewGuid().ToString('N')) {}"
    $runtime = [IO.Path]::GetDirectoryName([object].Assembly.Location)
    $References = @([object].Assembly.Location) + @('System.Runtime.dll', 'netstandard.dll' | ForEach-Object { Join-Path $runtime $_ }) |
        ForEach-Object { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($_) }
    function New-TestAssembly([string] $Name, [version] $Version, [string] $PublicKeyOf, [string] $Code, [string] $Folder, [string[]] $Reference = @()) {
        $source = "[assembly: System.Reflection.AssemblyVersion(`"$Version`")]`n$Code"
        $options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
        if ($PublicKeyOf) {
            $key = [Reflection.AssemblyName]::GetAssemblyName($PublicKeyOf).GetPublicKey()
            $options = $options.WithPublicSign($true).WithCryptoPublicKey([System.Collections.Immutable.ImmutableArray]::Create([byte[]]$key))
        }
        $allReferences = @($References) + @($Reference | ForEach-Object { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($_) })
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create($Name,
            [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
            [Microsoft.CodeAnalysis.MetadataReference[]]$allReferences, $options)
        $path = Join-Path (New-Item -ItemType Directory -Path $Folder -Force) "$Name.dll"
        $result = [Microsoft.CodeAnalysis.FileSystemExtensions]::Emit($compilation, $path)
        if (-not $result.Success) { throw "Could not compile $Name`: $($result.Diagnostics -join '; ')" }
        $path
    }
    function New-OtherModule([string] $Label, [string] $Version, [string[]] $Names) {
        foreach ($name in $Names) {
            $marker = $name -replace '\.', ''
            New-TestAssembly -Name $name -Version $Version -PublicKeyOf $Shipped[$name].FullName -Folder (Join-Path $TestDrive "$Label/$marker") `
                -Code "namespace OtherModule { public static class $marker { public static string Version => `"$Version`"; } }"
        }
    }
    $Conflicting = 'Polly.Core', 'Google.Apis.Auth', 'Google.Apis.Core', 'Docker.DotNet'
    $Older = @{ 'Polly.Core' = '7.2.0.0'; 'Google.Apis.Auth' = '1.60.0.0'; 'Google.Apis.Core' = '1.60.0.0'; 'Docker.DotNet' = '3.125.0.0' }
    $OtherModules = @{
        older = @($Conflicting | ForEach-Object { New-OtherModule "older" $Older[$_] $_ })
        newer = @(New-OtherModule 'newer' '99.0.0.0' $Conflicting)
        json7 = @(New-OtherModule 'json7' '7.0.0.0' 'System.Text.Json')
        json99 = @(New-OtherModule 'json99' '99.0.0.0' 'System.Text.Json')
    }
    # Code of another module built against Polly.Core 8 that never shipped it: it must not be given the module's copy.
    $Consumer = New-TestAssembly -Name 'OtherModule.PollyUser' -Version '1.0.0.0' -Folder (Join-Path $TestDrive 'consumer') `
        -Reference $Shipped['Polly.Core'].FullName `
        -Code 'namespace OtherModule { public static class PollyUser { public static string Where() => typeof(Polly.ResiliencePipeline).Assembly.Location; } }'

    $Script = Join-Path $TestDrive 'side-by-side.ps1'
    Set-Content -LiteralPath $Script -Value @'
param([string] $ParameterFile)
$ErrorActionPreference = 'Stop'
$p = Get-Content -LiteralPath $ParameterFile -Raw | ConvertFrom-Json
Import-Module $p.EmulatorModule
Set-EmulatorEnvironment -Environment (Read-EmulatorEnvironment -Path $p.EnvFile)
$ownContext = [System.Runtime.Loader.AssemblyLoadContext]::new('OtherModule', $false)
function Import-Other {
    # Into the default context, as Import-Module or Add-Type -Path puts a module's DLLs; the isolated ones into a
    # context of their own, the way a module that isolates itself does (the runtime keeps System.Text.Json for
    # itself in the default context).
    foreach ($path in $p.Other) { Add-Type -LiteralPath $path }
    foreach ($path in $p.Isolated) { $null = $ownContext.LoadFromAssemblyPath($path) }
}
if ($p.When -eq 'before') { Import-Other }
Import-Module $p.ModulePath
$result = [ordered]@{}
try {
    $report = Test-MlflowPrerequisite -ProjectId $p.Project
    $plan = @(New-MlflowDeployment -ProjectId $p.Project -Region europe-west1 -Name isolation -Image $p.Image -PlanOnly)
    $result.Prerequisite = $report.ProjectId
    $result.Planned = $plan.Count
}
catch { $result.Error = "$_" }
if ($p.When -eq 'after') { Import-Other }
$result.Seen = @{}
foreach ($path in @($p.Other) + @($p.Isolated) | Where-Object { $_ }) {
    $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object Location -eq $path
    $marker = $assembly.GetTypes() | Where-Object Namespace -eq 'OtherModule'
    $result.Seen[$assembly.GetName().Name] = $marker::Version
}
if ($p.Consumer) {
    Add-Type -LiteralPath $p.Consumer
    try { $result.ConsumerGot = [OtherModule.PollyUser]::Where() } catch { $result.ConsumerError = $_.Exception.InnerException.Message ?? "$_" }
}
$result.Module = @([AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'OneClickMlflow' } |
    ForEach-Object { @{ Name = $_.GetName().Name; Version = "$($_.GetName().Version)"; Location = $_.Location } })
$result | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $p.ResultFile
'@

    function Invoke-SideBySide([string] $When, [string[]] $Other = @(), [string[]] $Isolated = @(), [string] $Consumer) {
        $parameters = Join-Path $TestDrive "side-by-side-$([guid]::NewGuid().ToString('N')).json"
        $resultFile = [IO.Path]::ChangeExtension($parameters, '.result.json')
        @{
            EmulatorModule = (Resolve-Path (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1')).Path
            EnvFile = $Emulator.EnvFile; ModulePath = $ModulePath; Project = $Project; Image = (Get-TestImage $Project)
            When = $When; Other = $Other; Isolated = $Isolated; Consumer = $Consumer; ResultFile = $resultFile
        } | ConvertTo-Json | Set-Content -LiteralPath $parameters
        $output = Invoke-FreshPwsh "& '$Script' -ParameterFile '$parameters'" 2>&1
        if (-not (Test-Path $resultFile)) { throw "The side-by-side pwsh failed:`n$($output -join "`n")" }
        Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json -AsHashtable
    }
    function Get-ModuleAssembly($Run, [string] $Name) { $Run.Module | Where-Object { $_.Name -eq $Name } }
}

AfterAll {
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'Another module''s <Label> Polly.Core, Google.Apis, Docker.DotNet and System.Text.Json loaded <When> the import' -ForEach @(
    @{ Label = 'older'; When = 'before'; Json = 'json7'; JsonVersion = '7.0.0.0' }
    @{ Label = 'newer'; When = 'before'; Json = 'json99'; JsonVersion = '99.0.0.0' }
    @{ Label = 'older'; When = 'after'; Json = 'json7'; JsonVersion = '7.0.0.0' }
    @{ Label = 'newer'; When = 'after'; Json = 'json99'; JsonVersion = '99.0.0.0' }
) {
    BeforeAll {
        $Run = Invoke-SideBySide -When $When -Other $OtherModules[$Label] -Isolated $OtherModules[$Json]
    }

    It 'leaves the module working: it checks prerequisites and plans a deployment' {
        $Run.Error | Should -BeNullOrEmpty
        $Run.Prerequisite | Should -Be $Project
        $Run.Planned | Should -BeGreaterThan 0
    }

    It 'leaves the module on its own copies from dependencies/' {
        foreach ($name in $Conflicting) {
            $own = Get-ModuleAssembly $Run $name
            $own.Location | Should -Be $Shipped[$name].FullName -Because "the module's $name"
            $own.Version | Should -Be ([Reflection.AssemblyName]::GetAssemblyName($Shipped[$name].FullName).Version.ToString())
        }
    }

    It 'leaves the other module its own versions' {
        foreach ($name in $Conflicting) {
            $Run.Seen[$name] | Should -Be $(if ($Label -eq 'older') { $Older[$name] } else { '99.0.0.0' }) -Because $name
        }
        $Run.Seen['System.Text.Json'] | Should -Be $JsonVersion
    }

    It 'shares the runtime''s System.Text.Json, which no module can replace in the default context' {
        Get-ModuleAssembly $Run 'System.Text.Json' | Should -BeNullOrEmpty
        try { Add-Type -LiteralPath $OtherModules[$Json][0] } catch { Write-Verbose "Refused: $_" }
        'OtherModule.SystemTextJson' -as [type] | Should -BeNullOrEmpty
        [System.Text.Json.JsonDocument].Assembly.Location | Should -BeLike "$([IO.Path]::GetDirectoryName([object].Assembly.Location))*"
    }
}

Describe 'What the module gives other code' {
    BeforeAll {
        $Run = Invoke-SideBySide -When 'after' -Consumer $Consumer
    }

    It 'hands its Polly.Core to no one: code built against Polly.Core 8 without its own copy fails to find one' {
        $Run.Planned | Should -BeGreaterThan 0
        $Run.ConsumerGot | Should -BeNullOrEmpty
        $Run.ConsumerError | Should -Match "Could not load file or assembly 'Polly.Core"
    }

    It 'calls the engine only: the cmdlet assembly references no third-party assembly' {
        # Anything else it named would be resolved in the default context, where another module's copy may be.
        (Get-AssemblyReference (Join-Path $ModulePath 'OneClickMlflow.PowerShell.dll')).Name |
            Sort-Object | Should -Be @('netstandard', 'OneClickMlflow.Core', 'System.Management.Automation')
    }
}

Describe 'The assemblies the module ships' {
    BeforeAll {
        $Run = Invoke-SideBySide -When 'before'
        $HostVersions = Get-HostAssemblyVersion @(([AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES') -split [IO.Path]::PathSeparator) | Where-Object { $_ })
        function Test-HostProvides([IO.FileInfo] $File, [hashtable] $Versions) {
            $version = $Versions[$File.BaseName]
            [bool]($version -and $version -ge [Reflection.AssemblyName]::GetAssemblyName($File.FullName).Version)
        }
        $Own = @(Get-ChildItem $Dependencies -Filter *.dll | Where-Object BaseName -ne 'OneClickMlflow.LoadContext')
        $DesktopOnly = @(Get-ChildItem $Desktop -Filter *.dll)
    }

    It 'loads every engine and third-party assembly it uses from dependencies/, none from dependencies/desktop/' {
        $Run.Module.Count | Should -BeGreaterThan 5
        foreach ($assembly in $Run.Module) { Split-Path $assembly.Location -Parent | Should -Be $Dependencies -Because $assembly.Name }
    }

    It 'keeps in dependencies/ only what PowerShell 7 loads from there: not provided by this host, and loaded or referenced by what loaded' {
        $referenced = @($Run.Module | ForEach-Object { (Get-AssemblyReference $_.Location).Name }) + @($Run.Module.Name)
        foreach ($file in $Own) {
            Test-HostProvides $file $HostVersions | Should -BeFalse -Because "PowerShell 7 already has $($file.BaseName)"
            $referenced | Should -Contain $file.BaseName
        }
    }

    It 'keeps in dependencies/desktop/ only polyfills this PowerShell has itself' {
        $DesktopOnly.Count | Should -BeGreaterThan 0
        foreach ($file in $DesktopOnly) {
            Test-HostProvides $file $HostVersions | Should -BeTrue -Because "$($file.BaseName) is loaded from the host"
            $Run.Module.Name | Should -Not -Contain $file.BaseName
        }
    }

    It 'keeps in dependencies/desktop/ only what .NET Framework 4.7.2 lacks, and ships nothing that both hosts have' -Skip:(-not $env:ONECLICKMLFLOW_NETFX_REFERENCES) {
        $framework = Get-HostAssemblyVersion @(Get-ChildItem $env:ONECLICKMLFLOW_NETFX_REFERENCES, (Join-Path $env:ONECLICKMLFLOW_NETFX_REFERENCES 'Facades') -Filter *.dll).FullName
        foreach ($file in $DesktopOnly + $Own) {
            Test-HostProvides $file $framework | Should -BeFalse -Because "Windows PowerShell already has $($file.BaseName)"
        }
        $Shipped.Keys | Should -Not -Contain 'System.Management' -Because 'both PowerShells have it'
    }

    It 'ships no assembly that nothing it ships refers to' {
        $referenced = @($Shipped.Values | ForEach-Object { (Get-AssemblyReference $_.FullName).Name }) + 'OneClickMlflow.Core', 'OneClickMlflow.LoadContext'
        foreach ($name in $Shipped.Keys) { $referenced | Should -Contain $name }
    }
}
