#!/usr/bin/env pwsh
<#
.SYNOPSIS
Compiles the cmdlet help pages docs/<Verb-Noun>.md into one MAML file that Get-Help reads.

.DESCRIPTION
The markdown supplies the prose; everything else comes from the built module itself, so help cannot drift from the
code. The module is imported in a separate pwsh process and its Get-Command metadata gives the syntax, each
parameter's type, required flag, position, pipeline input, aliases and wildcard support, and the declared output
types.

Page format (a fixed subset of the platyPS layout; optional YAML front matter between '---' lines is ignored):

    # Verb-Noun                   the page's file name must be Verb-Noun.md
    ## SYNOPSIS                   required: one short paragraph
    ## SYNTAX                     optional: fenced blocks that must match the generated syntax (case aside)
    ## DESCRIPTION                required
    ## EXAMPLES                   required: at least one '### Example N: title' with a fenced code block;
                                  prose after the first block becomes the example's remarks
    ## PARAMETERS                 '### -Name' + prose for every parameter except the common ones; no YAML
                                  metadata blocks (it is generated). -WhatIf/-Confirm get a standard text when absent.
    ## INPUTS / ## OUTPUTS        '### Type.Name' + prose; INPUTS is required when a parameter takes pipeline
                                  input; every [OutputType] of the cmdlet must be listed under OUTPUTS
    ## NOTES                      optional prose
    ## RELATED LINKS              one link per line: 'Name', '[Name](https://...)' or a bare URL

Prose: paragraphs are separated by blank lines; a line starting with '- ', '* ' or '1. ' starts a new paragraph;
fenced code blocks keep their lines. Inline `code`, **bold** and [text](url) are turned into plain text.

Any page problem stops the build with a message naming the page and what to fix. A cmdlet the module exports
without a page, and a Verb-Noun.md page for a cmdlet the module does not export, are errors too.

.EXAMPLE
./tools/Build-MamlHelp.ps1 -DocsPath docs -OutputPath out/OneClickMlflow/en-US/OneClickMlflow.PowerShell.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # The built module folder; by default the folder that holds the en-US folder of -OutputPath.
    [string] $ModulePath = (Split-Path (Split-Path $OutputPath -Parent) -Parent)
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$CmdletPagePattern = '^[A-Z][a-z]+-[A-Za-z0-9]+$'
$KnownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Cmdlet metadata

function Get-CmdletMetadata([string] $Path) {
    # A separate process: a build session that imported an older build would otherwise keep its assembly.
    $script = {
        param($ModulePath)
        $ErrorActionPreference = 'Stop'
        $module = Import-Module $ModulePath -PassThru
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        function Get-DefaultValue($Instance, [string] $Name) {
            # [PSDefaultValue] says what applies when the parameter is left out; else the property's initial value.
            $property = $Instance.GetType().GetProperty($Name)
            $attribute = $property.GetCustomAttributes([System.Management.Automation.PSDefaultValueAttribute], $true) | Select-Object -First 1
            if ($attribute) { return $(if ($attribute.Help) { $attribute.Help } else { [string]$attribute.Value }) }
            $value = $property.GetValue($Instance)
            if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
            if ($null -eq $value -or "$value" -eq '' -or ($value -is [array] -and $value.Count -eq 0)) { return 'None' }
            ($value | ForEach-Object { "$_" }) -join ', '
        }
        $commands = foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
            $instance = [Activator]::CreateInstance($command.ImplementingType)
            $sets = foreach ($set in $command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name) {
                $parameters = foreach ($parameter in $set.Parameters | Where-Object Name -notin ([System.Management.Automation.Cmdlet]::CommonParameters)) {
                    # int? and double? read as Int32 and Double, as Get-Command's syntax shows them.
                    $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
                    [ordered]@{
                        Name           = $parameter.Name
                        Type           = $type.Name
                        Default        = if ($parameter.Name -in $common) { 'False' } else { Get-DefaultValue $instance $parameter.Name }
                        IsSwitch       = $parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
                        IsMandatory    = $parameter.IsMandatory
                        Position       = $parameter.Position
                        ByValue        = $parameter.ValueFromPipeline
                        ByPropertyName = $parameter.ValueFromPipelineByPropertyName
                        Aliases        = @($parameter.Aliases)
                        Wildcards      = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    }
                }
                [ordered]@{ Name = $set.Name; Syntax = "$($command.Name) $set"; Parameters = @($parameters) }
            }
            [ordered]@{
                Name          = $command.Name
                HelpUri       = $command.HelpUri
                Verb          = $command.Verb
                Noun          = $command.Noun
                ParameterSets = @($sets)
                OutputTypes   = @($command.OutputType.Name)
                Common        = @($common)
            }
        }
        ConvertTo-Json -InputObject @($commands) -Depth 6 -Compress
    }
    $executable = (Get-Process -Id $PID).Path
    # As a dotnet tool pwsh runs as 'dotnet pwsh.dll'.
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $command = "& { $script } -ModulePath '$($Path -replace "'", "''")'"
    $json = & $executable @prefix -NoProfile -NoLogo -NonInteractive -Command $command
    if ($LASTEXITCODE -ne 0) { throw "Could not read the cmdlets of the module at '$Path' (pwsh exited with $LASTEXITCODE)." }
    @(($json -join "`n") | ConvertFrom-Json)
}

#endregion

#region Markdown page

function Read-HelpPage([System.IO.FileInfo] $File) {
    # Splits a page into its title, its '##' sections and their '###' subsections, each a list of raw lines.
    $lines = [System.Collections.Generic.List[string]]::new([string[]](Get-Content -LiteralPath $File.FullName))
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $end = $lines.IndexOf('---', 1)
        if ($end -lt 0) { throw "$($File.Name): the front matter that starts on line 1 is never closed with '---'." }
        $lines.RemoveRange(0, $end + 1)
    }
    $page = [ordered]@{ Title = $null; Sections = [ordered]@{} }
    $section = $null
    $subsection = $null
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+)$') { $page.Title = $Matches[1].Trim(); continue }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $name = $Matches[1].Trim().ToUpperInvariant()
            if ($name -notin $KnownSections) { throw "$($File.Name): unknown section '## $($Matches[1])'; the sections are: $($KnownSections -join ', ')." }
            $section = [ordered]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subsections = [System.Collections.Generic.List[object]]::new() }
            $page.Sections[$name] = $section
            $subsection = $null
            continue
        }
        if (-not $inFence -and $line -match '^### (.+)$' -and $section) {
            $subsection = [ordered]@{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $section.Subsections.Add($subsection)
            continue
        }
        if ($subsection) { $subsection.Lines.Add($line) } elseif ($section) { $section.Lines.Add($line) }
    }
    if ($inFence) { throw "$($File.Name): a fenced code block is never closed." }
    $page
}

function ConvertTo-PlainText([string] $Text) {
    $Text = $Text -replace '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)'
    $Text = $Text -replace '\*\*([^*]+)\*\*', '$1'
    $Text -replace '`([^`]+)`', '$1'
}

function Split-Blocks([string[]] $Lines) {
    # Prose paragraphs and fenced code blocks, in order: @{ Kind = 'Text'|'Code'; Text }.
    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    $flush = {
        if ($current.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = 'Text'; Text = ConvertTo-PlainText ($current -join ' '); Language = '' })
            $current.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            if ($inFence) {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($current -join "`n"); Language = $language })
                $current.Clear()
            }
            else {
                . $flush
                $language = ($line -replace '^\s*```', '').Trim()
            }
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $current.Add($line); continue }
        if ([string]::IsNullOrWhiteSpace($line)) { . $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.) ') { . $flush }
        $current.Add($line.Trim())
    }
    . $flush
    $blocks
}

function Get-Paragraphs([string[]] $Lines) {
    # Code blocks inside prose are kept as indented paragraphs.
    foreach ($block in Split-Blocks $Lines) {
        if ($block.Kind -eq 'Code') { ($block.Text -split "`n" | ForEach-Object { "    $_" }) -join "`n" } else { $block.Text }
    }
}

#endregion

#region Checks

function Assert-HelpPage($Page, $Command, [string] $PageName) {
    $problems = [System.Collections.Generic.List[string]]::new()
    if ($Page.Title -ne $Command.Name) { $problems.Add("the title must be '# $($Command.Name)'") }
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION') {
        if (-not $Page.Sections.Contains($required) -or -not @(Get-Paragraphs $Page.Sections[$required].Lines)) {
            $problems.Add("'## $required' is missing or empty")
        }
    }
    $examples = @(if ($Page.Sections.Contains('EXAMPLES')) { $Page.Sections['EXAMPLES'].Subsections })
    if ($examples.Count -eq 0) { $problems.Add("'## EXAMPLES' needs at least one '### Example 1: title' with a fenced code block") }
    foreach ($example in $examples) {
        if (-not @(Split-Blocks $example.Lines | Where-Object Kind -eq 'Code')) { $problems.Add("'### $($example.Title)' has no fenced code block") }
    }

    $documented = Get-ParameterSections $Page
    $parameters = @(Get-CmdletParameters $Command)
    foreach ($parameter in $parameters | Where-Object Name -notin $Command.Common) {
        if (-not $documented.Contains($parameter.Name)) { $problems.Add("parameter -$($parameter.Name) has no '### -$($parameter.Name)' section") }
    }
    foreach ($name in $documented.Keys) {
        if ($name -notin $parameters.Name) { $problems.Add("'### -$name' documents a parameter that $($Command.Name) does not have") }
        if ($documented[$name] | Where-Object Kind -eq 'Code' | Where-Object Language -eq 'yaml') {
            $problems.Add("'### -$name' has a yaml block: parameter metadata is generated from the cmdlet, remove it")
        }
    }

    $outputs = @(if ($Page.Sections.Contains('OUTPUTS')) { $Page.Sections['OUTPUTS'].Subsections.Title })
    foreach ($type in $Command.OutputTypes) {
        if ($type -notin $outputs) { $problems.Add("'## OUTPUTS' does not list '### $type', which the cmdlet declares") }
    }

    $takesPipeline = Get-CmdletParameters $Command | Where-Object { $_.ByValue -or $_.ByPropertyName }
    if ($takesPipeline -and -not ($Page.Sections.Contains('INPUTS') -and $Page.Sections['INPUTS'].Subsections.Count)) {
        $problems.Add("'## INPUTS' must list the types that -$(@($takesPipeline)[0].Name) takes from the pipeline")
    }

    if ($Page.Sections.Contains('SYNTAX')) {
        $written = @(Split-Blocks $Page.Sections['SYNTAX'].Lines | Where-Object Kind -eq 'Code' | ForEach-Object { $_.Text -split "`n" } | Where-Object { $_.Trim() })
        $generated = @($Command.ParameterSets.Syntax)
        if ((($written | ForEach-Object { "$_".Trim() }) -join "`n") -ne ($generated -join "`n")) {
            $problems.Add("'## SYNTAX' does not match the cmdlet; write it as:`n$($generated -join "`n")`n(or remove the section: the help generates it)")
        }
    }

    if ($problems.Count -gt 0) { throw "$PageName has problems:`n  - $($problems -join "`n  - ")" }
}

function Get-ParameterSections($Page) {
    # '### -Name' -> its blocks.
    $sections = [ordered]@{}
    if (-not $Page.Sections.Contains('PARAMETERS')) { return $sections }
    foreach ($subsection in $Page.Sections['PARAMETERS'].Subsections) {
        if ($subsection.Title -notmatch '^-(\w+)$') { throw "'### $($subsection.Title)' under '## PARAMETERS' must be '### -ParameterName'." }
        $sections[$Matches[1]] = Split-Blocks $subsection.Lines
    }
    $sections
}

function Get-CmdletParameters($Command) {
    # Each parameter once, merged over the parameter sets it belongs to.
    $byName = [ordered]@{}
    foreach ($set in $Command.ParameterSets) {
        foreach ($parameter in $set.Parameters) {
            if (-not $byName.Contains($parameter.Name)) { $byName[$parameter.Name] = [System.Collections.Generic.List[object]]::new() }
            $byName[$parameter.Name].Add($parameter)
        }
    }
    foreach ($name in $byName.Keys) {
        $entries = $byName[$name]
        $first = $entries[0]
        $positions = @($entries.Position | Where-Object { $_ -ge 0 } | Select-Object -Unique)
        [pscustomobject]@{
            Name           = $name
            Type           = $first.Type
            IsSwitch       = $first.IsSwitch
            IsMandatory    = -not ($entries | Where-Object { -not $_.IsMandatory })
            Position       = if ($positions.Count -eq 1) { "$($positions[0])" } else { 'named' }
            ByValue        = [bool]($entries | Where-Object ByValue)
            ByPropertyName = [bool]($entries | Where-Object ByPropertyName)
            Aliases        = @($first.Aliases)
            Wildcards      = $first.Wildcards
            Default        = $first.Default
        }
    }
}

#endregion

#region MAML

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs, [string] $Element = 'description') {
    $Writer.WriteStartElement('maml', $Element, $MamlNamespace)
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $MamlNamespace, $paragraph) }
    $Writer.WriteEndElement()
}

function Get-PipelineInput($Parameter) {
    $kinds = @(if ($Parameter.ByValue) { 'ByValue' }; if ($Parameter.ByPropertyName) { 'ByPropertyName' })
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, [string[]] $Description, [switch] $InSyntax) {
    $Writer.WriteStartElement('command', 'parameter', $CommandNamespace)
    $Writer.WriteAttributeString('required', "$($Parameter.IsMandatory)".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', "$($Parameter.Wildcards)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $Parameter))
    $Writer.WriteAttributeString('position', $Parameter.Position)
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNamespace, $Parameter.Name)
    Write-Paragraphs $Writer $Description
    # A switch takes no value, so the syntax shows none for it.
    if (-not ($InSyntax -and $Parameter.IsSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNamespace)
        $Writer.WriteAttributeString('required', "$(-not $Parameter.IsSwitch)".ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Parameter.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNamespace)
    $Writer.WriteElementString('maml', 'name', $MamlNamespace, $Parameter.Type)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $DevNamespace, $Parameter.Default)
    $Writer.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $Writer, $Section, [string] $ListElement, [string] $ItemElement) {
    $Writer.WriteStartElement('command', $ListElement, $CommandNamespace)
    $items = @(if ($Section) { $Section.Subsections })
    if (-not $items) { $items = @([ordered]@{ Title = 'None'; Lines = @() }) }
    foreach ($item in $items) {
        $Writer.WriteStartElement('command', $ItemElement, $CommandNamespace)
        $Writer.WriteStartElement('dev', 'type', $DevNamespace)
        $Writer.WriteElementString('maml', 'name', $MamlNamespace, $item.Title)
        $Writer.WriteEndElement()
        Write-Paragraphs $Writer @(Get-Paragraphs $item.Lines)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Example([System.Xml.XmlWriter] $Writer, $Example) {
    $blocks = @(Split-Blocks $Example.Lines)
    $firstCode = [array]::FindIndex([object[]]$blocks, [Predicate[object]] { param($b) $b.Kind -eq 'Code' })
    $Writer.WriteStartElement('command', 'example', $CommandNamespace)
    $Writer.WriteElementString('maml', 'title', $MamlNamespace, "---------- $($Example.Title) ----------")
    $intro = @($blocks | Select-Object -First $firstCode | ForEach-Object Text)
    # Get-Help prints the introduction right before the code, as a prompt: end it with a line break.
    if ($intro) { $intro[-1] += "`n"; Write-Paragraphs $Writer $intro 'introduction' }
    $Writer.WriteElementString('dev', 'code', $DevNamespace, $blocks[$firstCode].Text)
    $remarks = @($blocks | Select-Object -Skip ($firstCode + 1) | ForEach-Object {
            if ($_.Kind -eq 'Code') { ($_.Text -split "`n" | ForEach-Object { "    $_" }) -join "`n" } else { $_.Text }
        })
    $Writer.WriteStartElement('dev', 'remarks', $DevNamespace)
    foreach ($paragraph in $remarks) { $Writer.WriteElementString('maml', 'para', $MamlNamespace, $paragraph) }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function Write-RelatedLinks([System.Xml.XmlWriter] $Writer, $Section, [string] $HelpUri) {
    $Writer.WriteStartElement('command', 'relatedLinks', $CommandNamespace)
    $lines = @(if ($Section) { $Section.Lines | Where-Object { $_.Trim() } })
    # Get-Help -Online opens the first related link's URI: the cmdlet's HelpUri.
    if ($HelpUri) { $lines = @("[Online Version:]($HelpUri)") + $lines }
    foreach ($line in $lines) {
        $link = ($line.Trim() -replace '^[-*] ', '').Trim()
        $text, $uri = if ($link -match '^\[([^\]]+)\]\(([^)]*)\)$') { $Matches[1], $Matches[2] }
        elseif ($link -match '^https?://') { $link, $link }
        else { $link, '' }
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNamespace)
        $Writer.WriteElementString('maml', 'linkText', $MamlNamespace, $text)
        $Writer.WriteElementString('maml', 'uri', $MamlNamespace, $uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter] $Writer, $Page, $Command) {
    $documented = Get-ParameterSections $Page
    $descriptions = @{}
    foreach ($parameter in Get-CmdletParameters $Command) {
        $descriptions[$parameter.Name] = if ($documented.Contains($parameter.Name)) {
            @(Get-Paragraphs ($Page.Sections['PARAMETERS'].Subsections | Where-Object Title -eq "-$($parameter.Name)").Lines)
        }
        else { @($StandardDescriptions[$parameter.Name]) }
    }

    $Writer.WriteStartElement('command', 'command', $CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNamespace)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $DevNamespace)

    $Writer.WriteStartElement('command', 'details', $CommandNamespace)
    $Writer.WriteElementString('command', 'name', $CommandNamespace, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $CommandNamespace, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $CommandNamespace, $Command.Noun)
    Write-Paragraphs $Writer @(Get-Paragraphs $Page.Sections['SYNOPSIS'].Lines)
    $Writer.WriteEndElement()

    Write-Paragraphs $Writer @(Get-Paragraphs $Page.Sections['DESCRIPTION'].Lines)

    $Writer.WriteStartElement('command', 'syntax', $CommandNamespace)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $CommandNamespace)
        $Writer.WriteElementString('maml', 'name', $MamlNamespace, $Command.Name)
        $merged = @{}
        foreach ($parameter in Get-CmdletParameters $Command) { $merged[$parameter.Name] = $parameter }
        # Positional parameters in order, then mandatory ones, then the rest as declared (as Get-Command shows them).
        $ordered = $set.Parameters | Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }
        foreach ($parameter in $ordered) {
            $inSet = $merged[$parameter.Name].PSObject.Copy()
            $inSet.IsMandatory = $parameter.IsMandatory
            $inSet.Position = if ($parameter.Position -ge 0) { "$($parameter.Position)" } else { 'named' }
            Write-Parameter $Writer $inSet $descriptions[$parameter.Name] -InSyntax
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    # In the page's order; the ones it leaves to the standard text (-WhatIf, -Confirm) last.
    $Writer.WriteStartElement('command', 'parameters', $CommandNamespace)
    $parameters = Get-CmdletParameters $Command | Sort-Object -Stable { $index = @($documented.Keys).IndexOf($_.Name); if ($index -lt 0) { [int]::MaxValue } else { $index } }
    foreach ($parameter in $parameters) { Write-Parameter $Writer $parameter $descriptions[$parameter.Name] }
    $Writer.WriteEndElement()

    Write-TypeList $Writer $Page.Sections['INPUTS'] 'inputTypes' 'inputType'
    Write-TypeList $Writer $Page.Sections['OUTPUTS'] 'returnValues' 'returnValue'

    if ($Page.Sections.Contains('NOTES')) {
        $Writer.WriteStartElement('maml', 'alertSet', $MamlNamespace)
        Write-Paragraphs $Writer @(Get-Paragraphs $Page.Sections['NOTES'].Lines) 'alert'
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $CommandNamespace)
    foreach ($example in $Page.Sections['EXAMPLES'].Subsections) { Write-Example $Writer $example }
    $Writer.WriteEndElement()

    Write-RelatedLinks $Writer $Page.Sections['RELATED LINKS'] $Command.HelpUri
    $Writer.WriteEndElement()
}

#endregion

$commands = Get-CmdletMetadata (Resolve-Path $ModulePath).Path
$pages = @{}
foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object BaseName -cmatch $CmdletPagePattern) {
    if ($file.BaseName -notin $commands.Name) { throw "$($file.Name) documents '$($file.BaseName)', which the module does not export: rename or remove the page." }
    $pages[$file.BaseName] = $file
}
$missing = @($commands.Name | Where-Object { -not $pages.ContainsKey($_) })
if ($missing) { throw "These cmdlets have no help page in ${DocsPath}: $($missing -join ', '). Add <Cmdlet>.md for each (format: see tools/Build-MamlHelp.ps1)." }

$parsed = @{}
foreach ($command in $commands) {
    $file = $pages[$command.Name]
    $parsed[$command.Name] = Read-HelpPage $file
    Assert-HelpPage $parsed[$command.Name] $command $file.Name
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Path (Split-Path $OutputPath -Parent) -Force
$writer = [System.Xml.XmlWriter]::Create([IO.Path]::GetFullPath($OutputPath, (Get-Location).Path), $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $commands) { Write-CommandHelp $writer $parsed[$command.Name] $command }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
Write-Host "Help for $($commands.Count) cmdlet(s) written to $OutputPath"
