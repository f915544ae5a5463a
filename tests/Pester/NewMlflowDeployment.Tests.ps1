# New-MlflowDeployment from a fresh pwsh against the standalone emulator; gcloud reads back what it made.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../tools/EmulatorProcess.psm1') -Force

    $Project = 'pester-deploy'
    $TestImage = Get-TestImage $Project
    $WhatIfProject = 'pester-what-if'
    $Emulator = Start-EmulatorProcess -EmulatorDll $EmulatorDll -EnvFile (Join-Path ([IO.Path]::GetTempPath()) "oneclickmlflow-deploy-$PID.env") -Project $Project
    $EmulatorUrl = $Emulator.Environment['EMULATOR_URL']
    $SavedEnvironment = @{}
    foreach ($name in $Emulator.Environment.Keys) { $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-EmulatorEnvironment -Environment $Emulator.Environment

    $seed = @{
        projectId   = $WhatIfProject
        iamBindings = @(@{ role = 'roles/owner'; members = @("serviceAccount:deployer@$Project.iam.gserviceaccount.com") })
    } | ConvertTo-Json -Depth 5
    $null = Invoke-RestMethod -Method Post -Uri "${EmulatorUrl}_emulator/projects" -Body $seed -ContentType 'application/json'

    # An empty JSON array comes back as one empty array: ForEach-Object unrolls it to nothing.
    function Get-LoggedRequest { Invoke-RestMethod "${EmulatorUrl}_emulator/requests" | ForEach-Object { $_ } }
    function Get-MutatingRequest { Get-LoggedRequest | Where-Object mutating }
    function Clear-RequestLog { $null = Invoke-RestMethod -Method Delete "${EmulatorUrl}_emulator/requests" }

    Import-Module $ModulePath -Force
}

AfterAll {
    Remove-Module OneClickMlflow -ErrorAction SilentlyContinue
    if ($SavedEnvironment) { Set-EmulatorEnvironment -Environment $SavedEnvironment }
    if ($Emulator) { Stop-EmulatorProcess $Emulator }
}

Describe 'New-MlflowDeployment' {
    Context 'a first run, then a second one' {
        BeforeAll {
            $Deployment = New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1 -WebAppUser 'user:alice@example.com'
            Clear-RequestLog
            $Again = New-MlflowDeployment -Image $TestImage -ProjectId $Project -Region europe-west1 -WebAppUser 'user:alice@example.com'
            $MutatedByRerun = @(Get-MutatingRequest)
        }

        It 'returns the deployment with its artifact destination and service accounts' {
            $Deployment.GetType().FullName | Should -Be 'OneClickMlflow.Deployment.MlflowDeployment'
            $Deployment.Network | Should -Be 'mlflow-network'
            $Deployment.ArtifactDestination | Should -Match '^gs://mlflow-artifacts-[0-9a-f]{8}$'
            $Deployment.ServiceAccounts | Should -Contain "mlflow-log-pusher@$Project.iam.gserviceaccount.com"
            $Deployment.ServiceAccounts | Should -Contain "mlflow-server@$Project.iam.gserviceaccount.com"
            $Deployment.ChangeCount | Should -BeGreaterThan 0
        }

        It 'changes nothing the second time' {
            $Again.ChangeCount | Should -Be 0
            $MutatedByRerun.Count | Should -Be 0
        }

        It 'formats as a table with the tracking URL and serving version' {
            $table = $Deployment | Out-String -Width 300
            $table | Should -Match 'TrackingUri'
            $table | Should -Match ([regex]::Escape($Deployment.ServingVersion))
        }

        It 'formats as a list with the artifact destination and IAP state' {
            $list = $Deployment | Format-List | Out-String
            $list | Should -Match 'ArtifactDestination\s*:\s*gs://'
            $list | Should -Match 'IapEnabled\s*:\s*True'
        }

        Context 'gcloud reads back what was made' -Skip:(-not (Get-Command gcloud -ErrorAction SilentlyContinue)) {
            BeforeAll {
                Enable-EmulatorGcloud -ConfigDirectory (Join-Path $TestDrive 'gcloud')
            }
            AfterAll {
                Disable-EmulatorGcloud
            }

            It 'lists the network' {
                $networks = gcloud compute networks list --project $Project --format=json | ConvertFrom-Json
                $networks.name | Should -Contain 'mlflow-network'
            }

            It 'lists the peering range as a global VPC_PEERING address' {
                $addresses = gcloud compute addresses list --global --project $Project --format=json | ConvertFrom-Json
                $range = $addresses | Where-Object name -eq $Deployment.PeeringRange
                $range.purpose | Should -Be 'VPC_PEERING'
                $range.prefixLength | Should -Be 16
            }

            It 'describes the bucket as private, versioned and labelled' {
                $bucket = gcloud storage buckets describe $Deployment.ArtifactDestination --format=json | ConvertFrom-Json
                $bucket.public_access_prevention | Should -Be 'enforced'
                $bucket.uniform_bucket_level_access | Should -BeTrue
                $bucket.versioning_enabled | Should -BeTrue
                $bucket.labels.'oneclick-mlflow' | Should -Be 'mlflow'
            }

            It 'lists both service accounts' {
                $accounts = gcloud iam service-accounts list --project $Project --format=json | ConvertFrom-Json
                $accounts.email | Should -Contain "mlflow-log-pusher@$Project.iam.gserviceaccount.com"
                $accounts.email | Should -Contain "mlflow-server@$Project.iam.gserviceaccount.com"
            }

            It 'describes the App Engine app in the region with IAP on' {
                $app = gcloud app describe --project $Project --format=json | ConvertFrom-Json
                $app.locationId | Should -Be 'europe-west'
                $app.iap.enabled | Should -BeTrue
            }

            It 'lists the serving version with all the traffic' {
                $versions = @(gcloud app versions list --project $Project --format=json | ConvertFrom-Json)
                $versions.Count | Should -Be 1
                $versions[0].id | Should -Be $Deployment.ServingVersion
                $versions[0].traffic_split | Should -Be 1
            }

            It 'reads the IAP policy of the service: the web user and the log pusher' {
                $policy = gcloud iap web get-iam-policy --resource-type=app-engine --service=default --project $Project --format=json | ConvertFrom-Json
                $members = ($policy.bindings | Where-Object role -eq 'roles/iap.httpsResourceAccessor').members
                $members | Should -Contain 'user:alice@example.com'
                $members | Should -Contain "serviceAccount:mlflow-log-pusher@$Project.iam.gserviceaccount.com"
            }

            It 'lists the labelled Docker repository whose registry URI the deployment reports' {
                $repositories = gcloud artifacts repositories list --location $Deployment.Region --project $Project --format=json | ConvertFrom-Json
                $repository = $repositories | Where-Object registryUri -eq $Deployment.ImageRepository
                $repository.format | Should -Be 'DOCKER'
                $repository.labels.'oneclick-mlflow' | Should -Be 'mlflow'
            }
        }
    }

    Context '-WhatIf on a fresh project' {
        BeforeAll {
            Clear-RequestLog
            $command = "Import-Module '$ModulePath'; New-MlflowDeployment -Image $(Get-TestImage $WhatIfProject) -ProjectId $WhatIfProject -Region us-central1 -WhatIf"
            $Printed = @(Invoke-FreshPwsh -Command $command) -join "`n"
            $Mutated = @(Get-MutatingRequest)
        }

        It 'makes no mutating request' {
            $Mutated.Count | Should -Be 0
        }

        It 'prints one "What if" line per change' {
            foreach ($target in "Service APIs '$WhatIfProject'", "Compute network 'mlflow-network'", "Private services range 'mlflow-psa-range'",
                "Private services connection", "Artifacts bucket 'mlflow-artifacts-", "Service account 'mlflow-log-pusher'",
                "Service account 'mlflow-server'", 'Bucket IAM policy', "App Engine application '$WhatIfProject'", 'Identity-Aware Proxy',
                "App Engine version 'next version of the MLflow server'", 'IAP access') {
                $Printed | Should -Match ([regex]::Escape("What if: Performing the operation") + '.*' + [regex]::Escape($target))
            }
        }
    }

    Context 'bad input' {
        It 'fails before any request, naming <Parameter>' -ForEach @(
            @{ Arguments = @{ Region = 'mars-north1' }; Parameter = 'Region' }
            @{ Arguments = @{ Region = 'europe-west1'; Name = 'Bad_Name' }; Parameter = 'Name' }
            @{ Arguments = @{ Region = 'europe-west1'; WebAppUser = 'allUsers' }; Parameter = 'WebAppUser' }
            @{ Arguments = @{ Region = 'europe-west1'; MemoryGb = [double]::NaN }; WithImage = $true; Parameter = 'MemoryGb' }
            @{ Arguments = @{ Region = 'europe-west1'; MaxInstances = [int]::MaxValue }; WithImage = $true; Parameter = 'MaxInstances' }
            @{ Arguments = @{ Region = 'europe-west1'; Name = $null }; WithImage = $true; Parameter = 'Name' }
            @{ Arguments = @{ Region = 'europe-west1'; DatabaseTier = '' }; WithImage = $true; Parameter = 'DatabaseTier' }
            @{ Arguments = @{ Region = "europe-west1`n" }; WithImage = $true; Parameter = 'Region' }
            @{ Arguments = @{ Region = 'europe-west1'; Image = '' }; Parameter = 'Image' }
            @{ Arguments = @{ Region = 'europe-west1'; ImpersonateServiceAccount = 'alice@example.com' }; WithImage = $true; Parameter = 'ImpersonateServiceAccount' }
        ) {
            # -ForEach data is built before BeforeAll runs: the test image is added here.
            $given = @{} + $Arguments
            if ($WithImage) { $given.Image = $TestImage }
            Clear-RequestLog
            { New-MlflowDeployment -ProjectId $Project @given -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidDeploymentInput,OneClickMlflow.PowerShell.Cmdlets.NewMlflowDeploymentCommand' -ExpectedMessage "*-$Parameter*"
            @(Get-LoggedRequest).Count | Should -Be 0
        }
    }
}
