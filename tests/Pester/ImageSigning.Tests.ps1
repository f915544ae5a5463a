# The image's signing setup for direct artifact uploads (iap-guard/oneclickmlflow_iap/signing.py), run with python3
# against the stand-ins of google.auth, google.cloud.storage and MLflow in tests/Image/fakes: never a key file.
BeforeDiscovery {
    $Python = Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
}

BeforeAll {
    $Python = Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
    $ImageRoot = Join-Path $PSScriptRoot '../../src/OneClickMlflow.PowerShell/Image'
    $Fakes = Join-Path $PSScriptRoot '../Image/fakes'

    function Invoke-Signing([hashtable] $Environment, [string] $Code) {
        $saved = @{}
        $variables = @{
            PYTHONPATH                     = "$Fakes$([IO.Path]::PathSeparator)$(Join-Path $ImageRoot 'iap-guard')"
            PYTHONDONTWRITEBYTECODE        = '1'
            FAKE_GOOGLE_ACCESS_TOKEN       = 'ya29.fake'
            FAKE_GOOGLE_SERVICE_ACCOUNT    = $null
            GOOGLE_APPLICATION_CREDENTIALS = $null
        }
        foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
        foreach ($name in $variables.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $variables[$name]) }
        try { $output = & $Python -c $Code 2>&1 | Out-String; [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output } }
        finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    }

    $Describe = @'
import json
from oneclickmlflow_iap.signing import SigningGcsArtifactRepository
repository = SigningGcsArtifactRepository("gs://bucket/mlflow-artifacts")
credentials = repository.client._credentials
print(json.dumps({
    "type": type(credentials).__module__ + "." + type(credentials).__name__,
    "target": credentials.target_principal,
    "signer": credentials.signer_email,
    "scopes": credentials.target_scopes,
    "source": type(credentials.source_credentials).__module__,
    "project": repository.client.project,
    "uri": repository.artifact_uri,
}))
'@
}

Describe 'The image''s signing credentials for direct artifact uploads' -Skip:(-not $Python) {
    It 'gives MLflow''s GCS repository a storage client that signs as the server''s own account through IAM' {
        $run = Invoke-Signing @{ FAKE_GOOGLE_SERVICE_ACCOUNT = 'mlflow-server@my-project.iam.gserviceaccount.com' } $Describe

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $described = $run.Output | ConvertFrom-Json
        $described.type | Should -Be 'google.auth.impersonated_credentials.Credentials'
        $described.target | Should -Be 'mlflow-server@my-project.iam.gserviceaccount.com'
        $described.signer | Should -Be 'mlflow-server@my-project.iam.gserviceaccount.com'
        $described.scopes | Should -Be @('https://www.googleapis.com/auth/cloud-platform')
        # The source is Application Default Credentials (the metadata server on App Engine), not a key file.
        $described.source | Should -Be 'google.auth'
        $described.project | Should -Be 'fake-project'
        $described.uri | Should -Be 'gs://bucket/mlflow-artifacts'
    }

    It 'stops with the reason when the credentials do not name their account' {
        $run = Invoke-Signing @{} $Describe

        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match "the server's service account could not be read"
    }

    It 'is the repository MLflow loads for gs:// artifacts' {
        $project = Get-Content -Raw (Join-Path $ImageRoot 'iap-guard/pyproject.toml')
        $project | Should -Match '(?m)^\[project\.entry-points\."mlflow\.artifact_repository"\]\s*\r?\ngs = "oneclickmlflow_iap\.signing:SigningGcsArtifactRepository"'
    }
}
