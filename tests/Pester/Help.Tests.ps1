# Get-Help as a user sees it for every exported cmdlet, and the help compiler's refusals of incomplete pages.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $module = Import-Module $ModulePath -Force -PassThru
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $Cmdlets = foreach ($command in $module.ExportedCmdlets.Values) {
        @{
            Name       = $command.Name
            Parameters = @($command.Parameters.Values | Where-Object Name -notin $common | ForEach-Object { @{ Name = $_.Name } })
        }
    }
    $FirstCmdlet = @($Cmdlets)[0].Name
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module $ModulePath -Force
    $Compiler = Join-Path $PSScriptRoot '../../tools/Build-MamlHelp.ps1'
    $DocsPath = Join-Path $PSScriptRoot '../../docs'

    function Get-Text($Node) { (@($Node) | ForEach-Object { $_.Text }) -join "`n" }
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
}

Describe 'Get-Help <Name> -Full' -ForEach $Cmdlets {
    BeforeAll {
        $Help = Get-Help $Name -Full
        $Command = Get-Command $Name
    }

    It 'has a written synopsis, not the syntax stub PowerShell makes up' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -Match "^$Name(\s|$)"
    }

    It 'has a description' {
        Get-Text $Help.description | Should -Not -BeNullOrEmpty
    }

    It 'shows one syntax per parameter set' {
        @($Help.syntax.syntaxItem).Count | Should -Be $Command.ParameterSets.Count
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty -Because $example.title
            Get-Text $example.remarks | Should -Not -BeNullOrEmpty -Because $example.title
        }
    }

    It 'lists what it returns' {
        $returned = @($Help.returnValues.returnValue.type.name)
        foreach ($type in $Command.OutputType.Name) { $returned | Should -Contain $type }
    }

    It 'links to about_OneClickMlflow' {
        @($Help.relatedLinks.navigationLink.linkText) | Should -Contain 'about_OneClickMlflow'
    }

    It 'opens its page in the repository with -Online: the first related link and the cmdlet''s HelpUri' {
        $projectUri = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../OneClickMlflow.psd1')).PrivateData.PSData.ProjectUri
        $Command.HelpUri | Should -Be "$projectUri/blob/main/docs/$Name.md"
        @($Help.relatedLinks.navigationLink)[0].uri | Should -Be $Command.HelpUri
        Join-Path $DocsPath "$Name.md" | Should -Exist
    }

    It 'shows no Nullable`1 type' {
        Get-Help $Name -Full | Out-String -Width 250 | Should -Not -Match 'Nullable'
    }

    It 'shows a default value for every parameter its page says has one' {
        $page = Get-Content -LiteralPath (Join-Path $DocsPath "$Name.md") -Raw
        foreach ($section in $page -split '\n### -' | Select-Object -Skip 1) {
            $parameter = ($section -split '\s', 2)[0]
            $prose = ($section -split '\n## ', 2)[0]
            if ($prose -notmatch '\bdefault' -or $Command.Parameters[$parameter].SwitchParameter) { continue }
            ($Help.parameters.parameter | Where-Object name -eq $parameter).defaultValue | Should -Not -Be 'None' -Because "the page of -$parameter names a default"
        }
    }

    Context 'parameter -<Name>' -ForEach $Parameters {
        BeforeAll {
            $HelpParameter = $Help.parameters.parameter | Where-Object name -eq $Name
            $Metadata = $Command.Parameters[$Name]
        }

        It 'is described' {
            $HelpParameter | Should -Not -BeNullOrEmpty
            Get-Text $HelpParameter.description | Should -Not -BeNullOrEmpty
        }

        It 'shows the type, required flag, position and pipeline input the cmdlet really has' {
            $type = [Nullable]::GetUnderlyingType($Metadata.ParameterType) ?? $Metadata.ParameterType
            $HelpParameter.type.name | Should -Be $type.Name
            $mandatory = @($Metadata.ParameterSets.Values | Where-Object IsMandatory).Count -eq $Metadata.ParameterSets.Count
            $HelpParameter.required | Should -Be "$mandatory".ToLowerInvariant()
            $positions = @($Metadata.ParameterSets.Values.Position | Where-Object { $_ -ge 0 } | Select-Object -Unique)
            $HelpParameter.position | Should -Be $(if ($positions.Count -eq 1) { "$($positions[0])" } else { 'named' })
            $fromPipeline = [bool]($Metadata.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName })
            $HelpParameter.pipelineInput | Should -BeLike $(if ($fromPipeline) { 'True (*)' } else { 'False' })
        }
    }
}

Describe 'Get-Help about_OneClickMlflow' {
    It 'is plain text, listed with its one-line short description' {
        $text = Get-Content -LiteralPath (Join-Path $ModulePath 'en-US/about_OneClickMlflow.help.txt') -Raw
        $text | Should -Not -Match '(?m)^#|`'
        (Get-Help about_OneClickMlflow).Synopsis | Should -Be 'Deploys a private MLflow tracking server on Google Cloud behind Identity-Aware Proxy.'
    }

    It 'shows the topic with its short description and the cmdlets it introduces' {
        $topic = Get-Help about_OneClickMlflow
        $topic | Out-String | Should -Match 'Deploys a private MLflow tracking server'
        foreach ($cmdlet in (Get-Module OneClickMlflow).ExportedCmdlets.Keys) { $topic | Out-String | Should -Match $cmdlet }
    }
}

Describe 'Building the help from docs/' -ForEach @(@{ FirstCmdlet = $FirstCmdlet }) {
    BeforeAll {
        function Invoke-Compiler([hashtable] $Pages) {
            # A docs folder holding only the given pages; returns the compiler's error message, or nothing.
            $docs = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-help-$([guid]::NewGuid().ToString('N'))")
            try {
                foreach ($name in $Pages.Keys) { Set-Content -LiteralPath (Join-Path $docs "$name.md") -Value $Pages[$name] }
                & $Compiler -DocsPath $docs -OutputPath (Join-Path $docs 'en-US/help.xml') -ModulePath $ModulePath 6>$null
                $null
            }
            catch { $_.Exception.Message }
            finally { Remove-Item -LiteralPath $docs -Recurse -Force }
        }
        $Page = Get-Content -LiteralPath (Join-Path $DocsPath "$FirstCmdlet.md") -Raw
        $OtherPages = @{}
        foreach ($cmdlet in (Get-Module OneClickMlflow).ExportedCmdlets.Keys | Where-Object { $_ -ne $FirstCmdlet }) {
            $OtherPages[$cmdlet] = Get-Content -LiteralPath (Join-Path $DocsPath "$cmdlet.md") -Raw
        }
        function Invoke-CompilerWithPage([string] $Text) { Invoke-Compiler ($OtherPages + @{ $FirstCmdlet = $Text }) }
    }

    It 'accepts the pages in docs/' {
        Invoke-CompilerWithPage $Page | Should -BeNullOrEmpty
    }

    It 'stops when an exported cmdlet has no page' {
        Invoke-Compiler $OtherPages | Should -Match "no help page.*$FirstCmdlet"
    }

    It 'stops when a page documents a cmdlet the module does not export' {
        Invoke-Compiler ($OtherPages + @{ $FirstCmdlet = $Page; 'Remove-Nothing' = $Page }) | Should -Match 'Remove-Nothing.*does not export'
    }

    It 'stops when a page has no examples' {
        $withoutExamples = $Page -replace '(?s)## EXAMPLES.*?(?=## PARAMETERS)', ''
        Invoke-CompilerWithPage $withoutExamples | Should -Match 'EXAMPLES'
    }

    It 'stops when a page has no synopsis' {
        Invoke-CompilerWithPage ($Page -replace '(?s)## SYNOPSIS.*?(?=## )', '') | Should -Match 'SYNOPSIS'
    }

    It 'stops when a parameter has no section, naming the parameter' {
        # -WhatIf and -Confirm get a standard description when a page leaves them out, so pick another parameter.
        $described = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $parameter = (Get-Command $FirstCmdlet).ParameterSets[0].Parameters | Where-Object Name -notin $described | Select-Object -Last 1
        $withoutSection = $Page -replace "(?s)### -$($parameter.Name)\b.*?(?=\n## |\n### )", ''
        Invoke-CompilerWithPage $withoutSection | Should -Match "-$($parameter.Name) has no"
    }

    It 'stops when a section names a parameter the cmdlet does not have' {
        $extra = $Page -replace '## PARAMETERS', "## PARAMETERS`n`n### -NoSuchParameter`nDoes nothing.`n"
        Invoke-CompilerWithPage $extra | Should -Match 'NoSuchParameter.*does not have'
    }

    It 'stops when the written syntax no longer matches the cmdlet' {
        $fence = '```'
        $syntax = "## SYNTAX`n`n$fence`n$FirstCmdlet -Removed <String>`n$fence`n`n## DESCRIPTION"
        $stale = ($Page -replace '(?s)## SYNTAX.*?(?=## )', '') -replace '## DESCRIPTION', $syntax
        Invoke-CompilerWithPage $stale | Should -Match 'SYNTAX.*does not match'
    }
}

Describe 'Building help for a cmdlet with several parameter sets' {
    BeforeAll {
        # A small binary module compiled here: two parameter sets, a positional wildcard alias, pipeline input and
        # ShouldProcess, which the module itself may not have yet.
        $FixturePath = Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-helpfixture-$([guid]::NewGuid().ToString('N'))/HelpFixture"
        $null = New-Item -ItemType Directory -Path (Join-Path $FixturePath 'docs') -Force
        Add-Type -OutputAssembly (Join-Path $FixturePath 'HelpFixture.dll') -OutputType Library -TypeDefinition @'
using System.Management.Automation;
[Cmdlet(VerbsCommon.Remove, "FixtureItem", DefaultParameterSetName = "ByName", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public class RemoveFixtureItemCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ByName")]
    [Alias("ItemName")]
    [SupportsWildcards]
    public string Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "ByObject")]
    public PSObject InputObject { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }
}
'@
        New-ModuleManifest -Path (Join-Path $FixturePath 'HelpFixture.psd1') -RootModule 'HelpFixture.dll' -CmdletsToExport 'Remove-FixtureItem'
        Set-Content -LiteralPath (Join-Path $FixturePath 'docs/Remove-FixtureItem.md') -Value @'
# Remove-FixtureItem

## SYNOPSIS
Removes fixture items.

## DESCRIPTION
Removes items by name or from the pipeline.

## EXAMPLES

### Example 1: By name
```powershell
Remove-FixtureItem -Name a*
```

Removes every item whose name starts with a.

### Example 2: From the pipeline
Items can come from another command.

```powershell
Get-Item ./a | Remove-FixtureItem -Force
```

Removes the item without asking.

## PARAMETERS

### -Name
The names to remove.

### -InputObject
The items to remove.

### -Force
Removes without asking.

## INPUTS

### System.Management.Automation.PSObject
Items to remove.

## OUTPUTS

### System.String
The names removed.
'@
        & $Compiler -DocsPath (Join-Path $FixturePath 'docs') -OutputPath (Join-Path $FixturePath 'en-US/HelpFixture.dll-Help.xml') 6>$null
        Import-Module (Join-Path $FixturePath 'HelpFixture.psd1') -Force
        $Help = Get-Help Remove-FixtureItem -Full
        function Get-HelpParameter([string] $Name) { $Help.parameters.parameter | Where-Object name -eq $Name }
    }

    AfterAll {
        Remove-Module HelpFixture -ErrorAction SilentlyContinue
        Remove-Item -LiteralPath (Split-Path $FixturePath -Parent) -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'shows one syntax per parameter set, the default first' {
        $items = @($Help.syntax.syntaxItem)
        $items.Count | Should -Be 2
        $items[0].parameter.name | Should -Contain 'Name'
        $items[1].parameter.name | Should -Contain 'InputObject'
        $items[1].parameter.name | Should -Not -Contain 'Name'
    }

    It 'shows position, aliases and wildcards of -Name' {
        $name = Get-HelpParameter 'Name'
        $name.required | Should -Be 'true'
        $name.position | Should -Be '0'
        $name.aliases | Should -Be 'ItemName'
        $name.globbing | Should -Be 'true'
    }

    It 'shows that -InputObject takes pipeline input by value' {
        (Get-HelpParameter 'InputObject').pipelineInput | Should -Be 'True (ByValue)'
        (Get-HelpParameter 'InputObject').type.name | Should -Be 'PSObject'
    }

    It 'describes -WhatIf and -Confirm although the page leaves them out' {
        Get-Text (Get-HelpParameter 'WhatIf').description | Should -Match 'what would happen'
        Get-Text (Get-HelpParameter 'Confirm').description | Should -Match 'confirmation'
    }

    It 'prints an example introduction on its own line before the code' {
        $example = @($Help.examples.example)[1]
        $example | Out-String | Should -Match "another command\.\s*\r?\n\s*Get-Item"
    }
}
