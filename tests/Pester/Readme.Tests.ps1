# The README's code shows only commands that exist, with parameters they take: the PowerShell blocks, and the
# pwsh scripts inside its CI YAML, are read with the PowerShell parser.
BeforeDiscovery {
    $ReadmePath = Join-Path $PSScriptRoot '../../README.md'

    # Cmdlets the README shows before the module exports them. A name here excuses a cmdlet only while the module
    # lacks it, so the checks tighten by themselves when it lands.
    $PendingCmdlets = @('Remove-MlflowDeployment')
    $ExpectedCmdlets = @((Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../OneClickMlflow.psd1')).CmdletsToExport) +
        $PendingCmdlets | Sort-Object -Unique

    function Get-ReadmeScript([string] $Path) {
        # Each fenced powershell block, and each 'run: |' / 'script: |' / 'pwsh: |' body of a yaml block, with the
        # README line it starts on.
        $lines = @(Get-Content -LiteralPath $Path)
        $index = 0
        while ($index -lt $lines.Count) {
            if ($lines[$index] -notmatch '^```(\w*)\s*$') { $index++; continue }
            $language = $Matches[1]
            $start = $index + 1
            $index = $start
            while ($index -lt $lines.Count -and $lines[$index] -notmatch '^```\s*$') { $index++ }
            $block = @($lines[$start..($index - 1)])
            $index++
            if ($language -in 'powershell', 'pwsh', 'ps1') {
                @{ Line = $start + 1; Text = $block -join "`n" }
            }
            elseif ($language -eq 'yaml') {
                for ($i = 0; $i -lt $block.Count; $i++) {
                    if ($block[$i] -notmatch '^(\s*)(- )?(run|script|pwsh): \|\s*$') { continue }
                    $keyIndent = $Matches[1].Length
                    $body = [System.Collections.Generic.List[string]]::new()
                    for ($j = $i + 1; $j -lt $block.Count; $j++) {
                        if ($block[$j].Trim() -and ($block[$j] -match '^(\s*)') -and $Matches[1].Length -le $keyIndent) { break }
                        $body.Add($block[$j])
                    }
                    @{ Line = $start + $i + 2; Text = $body -join "`n" }
                }
            }
        }
    }

    $Scripts = @(Get-ReadmeScript $ReadmePath)
    # Every Verb-Noun command the scripts run, with the parameters written after it.
    $Uses = foreach ($script in $Scripts) {
        $tokens = $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($script.Text, [ref]$tokens, [ref]$errors)
        foreach ($command in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $command.GetCommandName()
            if ($name -notmatch '^[A-Za-z]+-[A-Za-z]+$') { continue }
            $parameters = @($command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } |
                    ForEach-Object ParameterName)
            @{
                Command    = $name
                Parameters = $parameters
                Shown      = (@($name) + @($parameters | ForEach-Object { "-$_" })) -join ' '
                Line       = $script.Line + $command.Extent.StartLineNumber - 1
            }
        }
    }
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
}

Describe 'The README' -ForEach @(@{ PendingCmdlets = $PendingCmdlets; ShownCommands = @($Uses | ForEach-Object { $_.Command }) }) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
        $Root = Join-Path $PSScriptRoot '../..'
        $Readme = Get-Content -LiteralPath (Join-Path $Root 'README.md') -Raw
        $Module = Import-Module $ModulePath -Force -PassThru
    }

    It 'has PowerShell code that parses (block at line <Line>)' -ForEach $Scripts {
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }

    It 'shows <_> in its code' -ForEach $ExpectedCmdlets {
        $_ | Should -BeIn $ShownCommands
    }

    It 'line <Line>: <Shown>' -ForEach $Uses {
        if ($Module.ExportedCmdlets.ContainsKey($Command)) {
            $cmdlet = $Module.ExportedCmdlets[$Command]
        }
        elseif ($Command -in $PendingCmdlets) {
            Set-ItResult -Skipped -Because "$Command is pending in the module"
            return
        }
        else {
            $Command | Should -Not -BeLike '*-Mlflow*' -Because 'a Mlflow cmdlet in the README must be one the module exports'
            $cmdlet = Get-Command $Command -ErrorAction SilentlyContinue
            $cmdlet | Should -Not -BeNullOrEmpty -Because "$Command is neither exported by OneClickMlflow nor a command pwsh knows"
        }
        foreach ($parameter in $Parameters) {
            $known = @($cmdlet.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
            $parameter | Should -BeIn $known -Because "$Command is shown with -$parameter"
        }
    }

    It 'keeps the demo and test commands, and every ./build.ps1 task it names exists' {
        $Readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 Demo'))
        $Readme | Should -Match ([regex]::Escape('dotnet tool restore && dotnet pwsh ./build.ps1 Test'))
        $buildScript = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Root 'build.ps1'), [ref]$null, [ref]$null)
        $taskParameter = $buildScript.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -eq 'Task' }
        $tasks = ($taskParameter.Attributes | Where-Object { $_.TypeName.Name -eq 'ValidateSet' }).PositionalArguments.Value
        foreach ($match in [regex]::Matches($Readme, 'build\.ps1 (\w+)')) {
            $match.Groups[1].Value | Should -BeIn $tasks
        }
    }

    It 'links only to files that exist' {
        foreach ($match in [regex]::Matches($Readme, '\]\((?!https?://)([^)#]+)')) {
            Join-Path $Root $match.Groups[1].Value | Should -Exist
        }
    }
}
