# THIRD-PARTY-NOTICES.txt for the assemblies the module ships: for each NuGet package they come from, its license
# (from the package's nuspec), copyright and project, and the license text the package itself carries.
Set-StrictMode -Version Latest

function Get-PackageOfAssembly {
    <# .SYNOPSIS File name -> the package (Id, Version, Folder) whose runtime assets hold it, from project.assets.json. #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [string] $AssetsFile)

    $assets = Get-Content -LiteralPath $AssetsFile -Raw | ConvertFrom-Json -AsHashtable
    $packageFolder = @($assets['packageFolders'].Keys)[0]
    $packages = @{}
    foreach ($target in $assets['targets'].Values) {
        foreach ($key in $target.Keys) {
            $entry = $target[$key]
            if ($entry['type'] -ne 'package' -or -not $entry.ContainsKey('runtime')) { continue }
            $id, $version = $key -split '/'
            foreach ($asset in $entry['runtime'].Keys | Where-Object { $_ -like '*.dll' }) {
                $name = Split-Path $asset -Leaf
                if ($packages.ContainsKey($name)) { continue }
                $packages[$name] = [pscustomobject]@{
                    Id      = $id
                    Version = $version
                    Folder  = Join-Path $packageFolder $assets['libraries'][$key]['path']
                }
            }
        }
    }
    $packages
}

function Get-PackageLicense {
    <# .SYNOPSIS A package's license (expression or URL), copyright, project URL and license text, from its folder. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Package)

    [xml] $nuspec = Get-Content -LiteralPath (Get-ChildItem -LiteralPath $Package.Folder -Filter *.nuspec | Select-Object -First 1).FullName -Raw
    $metadata = $nuspec.package.metadata
    $license = $metadata.SelectSingleNode("*[local-name()='license']")
    $licenseUrl = $metadata.SelectSingleNode("*[local-name()='licenseUrl']")
    $textFile = Get-ChildItem -LiteralPath $Package.Folder -File |
        Where-Object Name -match '^licen[cs]e(\.(txt|md))?$' | Select-Object -First 1
    if ($license -and $license.GetAttribute('type') -eq 'file') { $textFile = Get-Item -LiteralPath (Join-Path $Package.Folder $license.InnerText) }
    if (-not $textFile) { throw "The package $($Package.Id) $($Package.Version) carries no license file in $($Package.Folder): add its license text by hand." }
    [pscustomobject]@{
        License   = if ($license -and $license.GetAttribute('type') -eq 'expression') { $license.InnerText } else { $null }
        Url       = if ($licenseUrl) { $licenseUrl.InnerText } else { $null }
        Copyright = $metadata.SelectSingleNode("*[local-name()='copyright']")?.InnerText
        Project   = $metadata.SelectSingleNode("*[local-name()='projectUrl']")?.InnerText
        Text      = (Get-Content -LiteralPath $textFile.FullName -Raw).Trim()
    }
}

function Write-ThirdPartyNotices {
    <# .SYNOPSIS Writes the notices for the shipped assemblies (paths relative to the module folder). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.IO.FileInfo[]] $Assemblies,
        [Parameter(Mandatory)] [string] $AssetsFile,
        [Parameter(Mandatory)] [string] $ModuleFolder,
        [Parameter(Mandatory)] [string] $Destination
    )

    $packages = Get-PackageOfAssembly $AssetsFile
    $groups = $Assemblies | Where-Object { $packages.ContainsKey($_.Name) } |
        Group-Object { "$($packages[$_.Name].Id) $($packages[$_.Name].Version)" } | Sort-Object Name
    $rule = '=' * 80
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add('OneClickMlflow is licensed under the Apache License 2.0 (LICENSE). It ships the third-party')
    $lines.Add('assemblies below, each under the license of the package it comes from.')
    $seenTexts = @{}
    foreach ($group in $groups) {
        $package = $packages[$group.Group[0].Name]
        $license = Get-PackageLicense $package
        $lines.Add(''); $lines.Add($rule); $lines.Add($group.Name); $lines.Add($rule)
        $files = $group.Group | ForEach-Object { [IO.Path]::GetRelativePath($ModuleFolder, $_.FullName) -replace '\\', '/' }
        $lines.Add("Files:     $($files -join ', ')")
        $lines.Add("License:   $(@($license.License, $license.Url | Where-Object { $_ }) -join ' ')")
        if ($license.Copyright) { $lines.Add("Copyright: $($license.Copyright)") }
        if ($license.Project) { $lines.Add("Project:   $($license.Project)") }
        $lines.Add('')
        if ($seenTexts.ContainsKey($license.Text)) { $lines.Add("License text: as for $($seenTexts[$license.Text]) above.") }
        else { $seenTexts[$license.Text] = $group.Name; $lines.Add($license.Text) }
    }
    $unknown = @($Assemblies | Where-Object { -not $packages.ContainsKey($_.Name) -and $_.BaseName -notlike 'OneClickMlflow.*' })
    if ($unknown) { throw "No package found for $($unknown.Name -join ', '): the notices would be incomplete." }
    Set-Content -LiteralPath $Destination -Value $lines -Encoding utf8NoBOM
}

Export-ModuleMember -Function Write-ThirdPartyNotices
