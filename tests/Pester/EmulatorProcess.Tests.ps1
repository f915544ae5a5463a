# The demo and these tests rely on the emulator helper leaving nothing running.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force
}

Describe 'Start-EmulatorProcess and Stop-EmulatorProcess' {
    It 'start an emulator that answers and stop it completely' {
        $emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path $TestDrive 'emulator.env') -Project 'lifecycle-check'
        $id = $emulator.Process.Id
        try {
            $emulator.Environment['CLOUDSDK_CORE_PROJECT'] | Should -Be 'lifecycle-check'
            (Invoke-WebRequest "$($emulator.Environment['EMULATOR_URL'])_emulator/requests").StatusCode | Should -Be 200
        }
        finally {
            Stop-EmulatorProcess $emulator
        }
        Get-Process -Id $id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
