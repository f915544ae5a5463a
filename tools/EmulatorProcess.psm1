# Starts and stops the standalone Google API emulator for the demo and the Pester tests.
Set-StrictMode -Version Latest

function Start-EmulatorProcess {
    <#
    .SYNOPSIS
    Starts the emulator on a free port and returns once it has written its environment file.
    .OUTPUTS
    An object with Process, EnvFile and Environment (hashtable of the variables to point gcloud and the module at it).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $EmulatorDll,
        [Parameter(Mandatory)] [string] $EnvFile,
        [string[]] $Project = @(),
        # More command-line switches of the emulator (docs/emulator.md), e.g. '--token-lifetime', '10'.
        [string[]] $ExtraArgument = @(),
        [int] $TimeoutSeconds = 60
    )

    if (-not (Test-Path -LiteralPath $EmulatorDll)) { throw "Emulator not built: $EmulatorDll" }
    Remove-Item -LiteralPath $EnvFile -ErrorAction SilentlyContinue

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($EmulatorDll, '--port', '0', '--env-file', $EnvFile, '--exit-on-stdin-close')) {
        $startInfo.ArgumentList.Add($argument)
    }
    foreach ($id in $Project) { $startInfo.ArgumentList.Add('--project'); $startInfo.ArgumentList.Add($id) }
    foreach ($extra in $ExtraArgument) { $startInfo.ArgumentList.Add($extra) }
    $startInfo.UseShellExecute = $false
    # Closing stdin is the stop signal: the emulator also exits if this process dies without cleaning up.
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true

    $process = [System.Diagnostics.Process]::Start($startInfo)
    $emulator = [pscustomobject]@{
        Process     = $process
        EnvFile     = $EnvFile
        Environment = @{}
        Output      = $process.StandardOutput.ReadToEndAsync()
        Errors      = $process.StandardError.ReadToEndAsync()
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $EnvFile)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-EmulatorProcess $emulator
            throw "The emulator did not start (exit: $(if ($process.HasExited) { $process.ExitCode } else { 'timeout' })).`n$($emulator.Output.Result)`n$($emulator.Errors.Result)"
        }
        Start-Sleep -Milliseconds 100
    }
    # The file may be visible before it is complete; wait until EMULATOR_URL can be read.
    do {
        Start-Sleep -Milliseconds 50
        $emulator.Environment = Read-EmulatorEnvironment -Path $EnvFile
    } until ($emulator.Environment.ContainsKey('EMULATOR_URL') -or [DateTime]::UtcNow -gt $deadline)
    $emulator
}

function Stop-EmulatorProcess {
    <# .SYNOPSIS Closes the emulator's stdin (its stop signal) and kills it if it does not exit promptly. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)

    $process = $Emulator.Process
    if ($null -eq $process) { return }
    try { $process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
    if (-not $process.WaitForExit(10000)) {
        $process.Kill($true)
        $process.WaitForExit()
    }
    $process.Dispose()
}

function Read-EmulatorEnvironment {
    <# .SYNOPSIS Parses the emulator's env file (export NAME='value' lines) into a hashtable. #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [string] $Path)

    $environment = @{}
    foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match "^export\s+([A-Za-z_][A-Za-z0-9_]*)='(.*)'\s*$") {
            $environment[$Matches[1]] = $Matches[2] -replace "'\\''", "'"
        }
    }
    $environment
}

function Set-EmulatorEnvironment {
    <# .SYNOPSIS Sets the emulator's variables in this process so the module and gcloud talk to it. #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [hashtable] $Environment)

    foreach ($name in $Environment.Keys) {
        if ($PSCmdlet.ShouldProcess($name, 'Set environment variable')) {
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
    }
}

Export-ModuleMember -Function Start-EmulatorProcess, Stop-EmulatorProcess, Read-EmulatorEnvironment, Set-EmulatorEnvironment
