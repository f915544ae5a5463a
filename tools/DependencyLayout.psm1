# Which of the published assemblies each PowerShell loads from the module, found by following assembly references
# from the engine (OneClickMlflow.Core) the way each host binds them: a reference the host already satisfies (its
# version at least the one asked for) is the host's, any other is the module's copy, whose own references are
# followed in turn. PowerShell 7's host is this process's trusted platform assemblies (the .NET runtime and
# PowerShell's own); Windows PowerShell's is the .NET Framework 4.7.2 reference assemblies.
Set-StrictMode -Version Latest

function Get-AssemblyReference {
    <# .SYNOPSIS The assembly references (Name, Version) in a DLL's metadata, read without loading it. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)

    $stream = [IO.File]::OpenRead($Path)
    try {
        $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        $metadata = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
        foreach ($handle in $metadata.AssemblyReferences) {
            $reference = $metadata.GetAssemblyReference($handle)
            [pscustomobject]@{ Name = $metadata.GetString($reference.Name); Version = $reference.Version }
        }
        $pe.Dispose()
    }
    finally { $stream.Dispose() }
}

function Get-HostAssemblyVersion {
    <# .SYNOPSIS Name -> version of the given assembly files (the assemblies a host provides). #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $Path)

    $versions = @{}
    foreach ($file in $Path) {
        try { $versions[[IO.Path]::GetFileNameWithoutExtension($file)] = [Reflection.AssemblyName]::GetAssemblyName($file).Version }
        catch { Write-Verbose "Not a managed assembly: $file" }
    }
    $versions
}

function Get-LoadedDependency {
    <# .SYNOPSIS The names of the published assemblies a host loads from the module, starting at the entry assembly. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [hashtable] $Published,
        [Parameter(Mandatory)] [hashtable] $HostVersions,
        [Parameter(Mandatory)] [string] $EntryAssembly
    )

    $loaded = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $pending = [Collections.Generic.Queue[string]]::new()
    $null = $loaded.Add($EntryAssembly)
    $pending.Enqueue($EntryAssembly)
    while ($pending.Count -gt 0) {
        foreach ($reference in Get-AssemblyReference $Published[$pending.Dequeue()]) {
            $hostVersion = $HostVersions[$reference.Name]
            if ($hostVersion -and $hostVersion -ge $reference.Version) { continue }
            if ($Published.ContainsKey($reference.Name) -and $loaded.Add($reference.Name)) { $pending.Enqueue($reference.Name) }
        }
    }
    $loaded
}

function Get-DependencyLayout {
    <#
    .SYNOPSIS
    For each published DLL: Everywhere (PowerShell 7 loads it from the module, and so does Windows PowerShell),
    WindowsPowerShell (only there: the host of PowerShell 7 has it), or Nowhere (no host loads it: not shipped).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $PublishFolder,
        [Parameter(Mandatory)] [string] $NetFrameworkFolder,
        [string] $EntryAssembly = 'OneClickMlflow.Core'
    )

    $published = @{}
    foreach ($file in Get-ChildItem -LiteralPath $PublishFolder -Filter *.dll) { $published[$file.BaseName] = $file.FullName }
    $trusted = @(([AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES') -split [IO.Path]::PathSeparator) | Where-Object { $_ })
    $netFramework = @(Get-ChildItem -LiteralPath $NetFrameworkFolder, (Join-Path $NetFrameworkFolder 'Facades') -Filter *.dll).FullName

    $onPowerShell = Get-LoadedDependency -Published $published -HostVersions (Get-HostAssemblyVersion $trusted) -EntryAssembly $EntryAssembly
    $onWindowsPowerShell = Get-LoadedDependency -Published $published -HostVersions (Get-HostAssemblyVersion $netFramework) -EntryAssembly $EntryAssembly
    foreach ($name in $published.Keys | Sort-Object) {
        [pscustomobject]@{
            Name  = $name
            Path  = $published[$name]
            Loads = if ($onPowerShell.Contains($name)) { 'Everywhere' } elseif ($onWindowsPowerShell.Contains($name)) { 'WindowsPowerShell' } else { 'Nowhere' }
        }
    }
}

Export-ModuleMember -Function Get-AssemblyReference, Get-HostAssemblyVersion, Get-DependencyLayout
