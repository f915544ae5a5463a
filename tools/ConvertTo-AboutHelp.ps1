#!/usr/bin/env pwsh
<#
.SYNOPSIS
Turns docs/about_<Topic>.md into the plain-text about topic Get-Help shows (en-US/about_<Topic>.help.txt).

.DESCRIPTION
The classic layout: 'TOPIC' and 'SHORT DESCRIPTION' first (Get-Help lists the topic with that one-line description), each
'## HEADING' in capitals at the margin, prose wrapped at 80 columns and indented by 4, list items with a hanging
indent, code (indented or fenced) indented by 8 and kept as written. Inline `code`, **bold** and [text](url)
become plain text.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Width = 80

function ConvertTo-Plain([string] $Text) {
    $Text = $Text -replace '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)'
    $Text = $Text -replace '\*\*([^*]+)\*\*', '$1'
    $Text -replace '`([^`]+)`', '$1'
}

function Format-Wrapped([string] $Text, [string] $First, [string] $Rest) {
    $line = $First
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if ($line.Trim() -and ($line.Length + 1 + $word.Length) -gt $Width) { $line.TrimEnd(); $line = $Rest }
        $line = if ($line.Trim()) { "$line $word" } else { "$line$word" }
    }
    if ($line.Trim()) { $line.TrimEnd() }
}

$lines = @(Get-Content -LiteralPath $Path)
if ($lines[0] -notmatch '^# (about_\w+)\s*$') { throw "$Path must start with '# about_Topic'." }
$output = [Collections.Generic.List[string]]::new()
$output.Add('TOPIC'); $output.Add("    $($Matches[1])")
$paragraph = [Collections.Generic.List[string]]::new()
$bullet = $false
$inFence = $false
$section = ''
$flush = {
    if ($paragraph.Count) {
        $text = ConvertTo-Plain ($paragraph -join ' ')
        # Get-Help takes the topic's synopsis from the line after SHORT DESCRIPTION: it stays one line.
        $wrapped = if ($section -eq 'SHORT DESCRIPTION') { "    $text" }
        elseif ($bullet) { Format-Wrapped ($text -replace '^[-*]\s+', '') '    -' '      ' } else { Format-Wrapped $text '    ' '    ' }
        foreach ($w in $wrapped) { $output.Add($w) }
        $paragraph.Clear()
    }
}
foreach ($line in $lines | Select-Object -Skip 1) {
    if ($line -match '^\s*```') { . $flush; $inFence = -not $inFence; continue }
    if ($inFence) { $output.Add("        $line"); continue }
    if ($line -match '^## (.+)$') {
        . $flush
        if ($output[-1] -ne '') { $output.Add('') }
        $section = $Matches[1].Trim().ToUpperInvariant()
        $output.Add($section)
        continue
    }
    if ($line -match '^    \S' -and -not $paragraph.Count) { $output.Add("    $line"); continue }
    if (-not $line.Trim()) {
        . $flush
        if ($output[-1] -ne '') { $output.Add('') }
        continue
    }
    if ($line -match '^[-*] ') { . $flush; $bullet = $true }
    elseif (-not $paragraph.Count) { $bullet = $false }
    $paragraph.Add($line.Trim())
}
. $flush
while ($output[-1] -eq '') { $output.RemoveAt($output.Count - 1) }
# A heading is followed directly by its text.
$text = ($output -join "`n") -replace '(?m)^([A-Z][A-Z ]+)\n\n', "`$1`n"
Set-Content -LiteralPath $OutputPath -Value $text -Encoding utf8NoBOM
