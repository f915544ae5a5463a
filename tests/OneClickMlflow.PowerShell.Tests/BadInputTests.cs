using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// Every cmdlet refuses a bad value before any request reaches Google (the emulator logs none, so none changes
/// anything): an InvalidArgument error whose exception names the parameter and whose message says what to do.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class BadInputTests
{
    private const string Deploy = "New-MlflowDeployment -ProjectId ps-input -Region europe-west1 " + TestImage.Argument;
    private const string ServiceAccount = "deployer@owned-project.iam.gserviceaccount.com";
    private readonly EmulatorFixture emulator;

    public BadInputTests(EmulatorFixture emulator) => this.emulator = emulator;

    public static TheoryData<string, string> NewDeploymentInputs => new()
    {
        // Numbers that are not numbers, and instance counts no flexible version runs.
        { $"{Deploy} -MemoryGb NaN", "MemoryGb" },
        { $"{Deploy} -DiskGb NaN", "DiskGb" },
        { $"{Deploy} -Cpu NaN", "Cpu" },
        { $"{Deploy} -MemoryGb ([double]::PositiveInfinity)", "MemoryGb" },
        { $"{Deploy} -DiskGb ([double]::NegativeInfinity)", "DiskGb" },
        { $"{Deploy} -Cpu ([double]::PositiveInfinity)", "Cpu" },
        { $"{Deploy} -MaxInstances 2147483647", "MaxInstances" },
        { $"{Deploy} -MaxInstances 2001", "MaxInstances" },
        { $"{Deploy} -MinInstances 2001", "MinInstances" },
        { $"{Deploy} -MinInstances 5 -MaxInstances 4", "MaxInstances" },
        { $"{Deploy} -MinInstances 0", "MinInstances" },
        { $"{Deploy} -LockTimeout -1", "LockTimeout" },
        { $"{Deploy} -LockTimeout 86401", "LockTimeout" },
        // $null and empty values, never read as "use the default".
        { $"{Deploy} -Name $null", "Name" },
        { $"{Deploy} -Name ''", "Name" },
        { $"{Deploy} -WebAppUser $null", "WebAppUser" },
        { $"{Deploy} -WebAppUser 'user:alice@example.com', $null", "WebAppUser" },
        { $"{Deploy} -WebAppUser 'user:alice@example.com', ''", "WebAppUser" },
        { $"{Deploy} -DatabaseTier ''", "DatabaseTier" },
        { $"{Deploy} -DatabaseTier $null", "DatabaseTier" },
        { $"{Deploy} -DatabaseVersion ''", "DatabaseVersion" },
        { $"{Deploy} -NetworkName ''", "NetworkName" },
        { $"{Deploy} -NetworkName shared-net -SubnetworkName ''", "SubnetworkName" },
        { $"{Deploy} -Service ''", "Service" },
        { $"{Deploy} -OAuthClientId ''", "OAuthClientId" },
        { $"{Deploy} -BackupRetentionDays $null", "BackupRetentionDays" },
        { "New-MlflowDeployment -ProjectId ps-input -Region $null " + TestImage.Argument, "Region" },
        { "New-MlflowDeployment -ProjectId ps-input -Region '' " + TestImage.Argument, "Region" },
        { "New-MlflowDeployment -ProjectId $null -Region europe-west1 " + TestImage.Argument, "ProjectId" },
        { "New-MlflowDeployment -ProjectId '' -Region europe-west1 " + TestImage.Argument, "ProjectId" },
        // Surrounding spaces: refused alike by every cmdlet, never trimmed nor replaced by the configured project.
        { "New-MlflowDeployment -ProjectId ' ps-input ' -Region europe-west1 " + TestImage.Argument, "ProjectId" },
        { $"{Deploy} -Name ' mlflow'", "Name" },
        // Not a service account to impersonate.
        { $"{Deploy} -ImpersonateServiceAccount alice@example.com", "ImpersonateServiceAccount" },
        { $"{Deploy} -ImpersonateServiceAccount foo", "ImpersonateServiceAccount" },
        { $"{Deploy} -ImpersonateServiceAccount ''", "ImpersonateServiceAccount" },
        { $"{Deploy} -ImpersonateServiceAccount $null", "ImpersonateServiceAccount" },
        // A region is a whole name.
        { "New-MlflowDeployment -ProjectId ps-input -Region europe-west1x " + TestImage.Argument, "Region" },
        { "New-MlflowDeployment -ProjectId ps-input -Region europe-west " + TestImage.Argument, "Region" },
        // An image: given, and never looked up at Google's real registry while the API endpoints are the emulator's.
        { "New-MlflowDeployment -ProjectId ps-input -Region europe-west1 -Image ''", "Image" },
        { "New-MlflowDeployment -ProjectId ps-input -Region europe-west1 -Image ' '", "Image" },
        { "New-MlflowDeployment -ProjectId ps-input -Region europe-west1 -Image europe-west1-docker.pkg.dev/ps-input/mlflow/mlflow:3.1.0", "Image" },
    };

    /// <summary>Each validated string parameter with a good value followed by a line feed ("value`n").</summary>
    public static TheoryData<string, string> TrailingLineFeeds => new()
    {
        { "New-MlflowDeployment -ProjectId \"ps-input`n\" -Region europe-west1 " + TestImage.Argument, "ProjectId" },
        { $"{Deploy} -Name \"mlflow`n\"", "Name" },
        { "New-MlflowDeployment -ProjectId ps-input -Region \"europe-west1`n\" " + TestImage.Argument, "Region" },
        { $"{Deploy} -WebAppUser \"user:alice@example.com`n\"", "WebAppUser" },
        { $"{Deploy} -NetworkName \"shared-net`n\"", "NetworkName" },
        { $"{Deploy} -NetworkName shared-net -SubnetworkName \"mlflow-subnet`n\"", "SubnetworkName" },
        { $"{Deploy} -DatabaseVersion \"MYSQL_8_4`n\"", "DatabaseVersion" },
        { $"{Deploy} -DatabaseTier \"db-g1-small`n\"", "DatabaseTier" },
        { $"New-MlflowDeployment -ProjectId ps-input -Region europe-west1 -Image \"{TestImage.Reference}`n\"", "Image" },
        { $"{Deploy} -Service \"mlflow`n\"", "Service" },
        { $"{Deploy} -OAuthClientId \"42-abc.apps.googleusercontent.com`n\" -OAuthClientSecret (ConvertTo-SecureString s -AsPlainText -Force)", "OAuthClientId" },
        { $"{Deploy} -ImpersonateServiceAccount \"{ServiceAccount}`n\"", "ImpersonateServiceAccount" },
        { "Get-MlflowDeployment -ProjectId \"owned-project`n\"", "ProjectId" },
        { "Get-MlflowDeployment -ProjectId owned-project -Name \"mlflow`n\"", "Name" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name \"mlflow`n\" -Force", "Name" },
        { "Remove-MlflowDeployment -ProjectId \"owned-project`n\" -Name mlflow -Force", "ProjectId" },
        { "Test-MlflowPrerequisite -ProjectId \"owned-project`n\"", "ProjectId" },
        { "Get-MlflowTrackingToken -ProjectId \"owned-project`n\"", "ProjectId" },
        { "Get-MlflowTrackingToken -ProjectId owned-project -Name \"mlflow`n\"", "Name" },
        { $"Get-MlflowTrackingToken -TrackingUri https://x.appspot.com -ServiceAccount \"{ServiceAccount}`n\"", "ServiceAccount" },
        { $"Get-MlflowTrackingToken -TrackingUri https://x.appspot.com -ServiceAccount {ServiceAccount} -Audience \"42-abc.apps.googleusercontent.com`n\"", "Audience" },
        { "Publish-MlflowImage -ProjectId owned-project -Region \"europe-west1`n\" -RegistryHost 127.0.0.1:5000", "Region" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -Repository \"mlflow`n\" -RegistryHost 127.0.0.1:5000", "Repository" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -ImageName \"mlflow`n\" -RegistryHost 127.0.0.1:5000", "ImageName" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -MlflowVersion \"3.1.0`n\" -RegistryHost 127.0.0.1:5000", "MlflowVersion" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -RegistryHost \"127.0.0.1:5000`n\"", "RegistryHost" },
    };

    public static TheoryData<string, string> OtherCmdletInputs => new()
    {
        { "Remove-MlflowDeployment -ProjectId owned-project -Name $null -Force", "Name" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name '' -Force", "Name" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name Bad_Name -Force", "Name" },
        { "Remove-MlflowDeployment -ProjectId ' owned-project' -Name mlflow -Force", "ProjectId" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name mlflow -FinalBackupRetentionDays 0 -Force", "FinalBackupRetentionDays" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name mlflow -FinalBackupRetentionDays 366 -Force", "FinalBackupRetentionDays" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name mlflow -ImpersonateServiceAccount alice@example.com -Force", "ImpersonateServiceAccount" },
        { "Remove-MlflowDeployment -InputObject $null -Force", "InputObject" },
        { "Remove-MlflowDeployment -ProjectId owned-project -Name mlflow -LockTimeout -1 -Force", "LockTimeout" },
        { "Get-MlflowDeployment -ProjectId $null", "ProjectId" },
        { "Get-MlflowDeployment -ProjectId ''", "ProjectId" },
        { "Get-MlflowDeployment -ProjectId OWNED-PROJECT", "ProjectId" },
        { "Get-MlflowDeployment -ProjectId owned-project -Name ''", "Name" },
        { "Get-MlflowDeployment -ProjectId owned-project -Name 'ml flow*'", "Name" },
        { "Get-MlflowDeployment -ProjectId owned-project -ImpersonateServiceAccount foo", "ImpersonateServiceAccount" },
        { "Get-MlflowTrackingToken -ProjectId owned-project -Name ''", "Name" },
        { "Get-MlflowTrackingToken -TrackingUri $null", "TrackingUri" },
        { "Get-MlflowTrackingToken -TrackingUri not-a-url -ServiceAccount " + ServiceAccount, "TrackingUri" },
        { "Get-MlflowTrackingToken -TrackingUri https://x.appspot.com -ServiceAccount alice@example.com", "ServiceAccount" },
        { "Get-MlflowTrackingToken -TrackingUri https://x.appspot.com -ServiceAccount '' ", "ServiceAccount" },
        { $"Get-MlflowTrackingToken -TrackingUri https://x.appspot.com -ServiceAccount {ServiceAccount} -Audience not-a-client", "Audience" },
        { "Get-MlflowTrackingToken -ProjectId owned-project -ImpersonateServiceAccount ''", "ImpersonateServiceAccount" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1x -RegistryHost 127.0.0.1:5000", "Region" },
        { "Publish-MlflowImage -ProjectId owned-project -Region '' -RegistryHost 127.0.0.1:5000", "Region" },
        { "Publish-MlflowImage -ProjectId owned-project -Region $null -RegistryHost 127.0.0.1:5000", "Region" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -MlflowVersion '' -RegistryHost 127.0.0.1:5000", "MlflowVersion" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -RegistryHost ''", "RegistryHost" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -RegistryHost https://127.0.0.1:5000/", "RegistryHost" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -Path '' -RegistryHost 127.0.0.1:5000", "Path" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -BuildArgument @{ 'NOT A NAME' = 1 } -RegistryHost 127.0.0.1:5000", "BuildArgument" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1", "RegistryHost" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -RegistryHost europe-west1-docker.pkg.dev", "RegistryHost" },
        { "Publish-MlflowImage -ProjectId owned-project -Region europe-west1 -RegistryHost 127.0.0.1:5000 -ImpersonateServiceAccount ''", "ImpersonateServiceAccount" },
        { "Test-MlflowPrerequisite -ProjectId ''", "ProjectId" },
        { "Test-MlflowPrerequisite -ProjectId owned-project -ImpersonateServiceAccount alice@example.com", "ImpersonateServiceAccount" },
    };

    [Theory]
    [MemberData(nameof(NewDeploymentInputs))]
    public void New_MlflowDeployment_refuses_before_any_request(string command, string parameter) => RefusedBeforeAnyRequest(command, parameter);

    [Theory]
    [MemberData(nameof(TrailingLineFeeds))]
    public void A_value_followed_by_a_line_feed_is_refused_before_any_request(string command, string parameter) =>
        RefusedBeforeAnyRequest(command, parameter);

    [Theory]
    [MemberData(nameof(OtherCmdletInputs))]
    public void Every_other_cmdlet_refuses_before_any_request(string command, string parameter) => RefusedBeforeAnyRequest(command, parameter);

    [Fact]
    public void Without_Image_a_new_deployment_whose_registry_is_not_Google_s_is_refused_after_reads_only()
    {
        emulator.Host.State.AddProject("ps-input-image");
        emulator.Host.State.Grant("ps-input-image", "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();

        // Whether a version serves (and keeps its image) is read first; only then is the module's own image wanted.
        var result = PowerShellRunner.Run("New-MlflowDeployment -ProjectId ps-input-image -Region europe-west1");

        var error = Assert.Single(result.Errors);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        Assert.StartsWith("InvalidDeploymentInput,", error.FullyQualifiedErrorId);
        Assert.Equal("Image", Assert.IsType<InvalidDeploymentInputException>(error.Exception).ParameterName);
    }

    [Fact]
    public void A_null_piped_to_Remove_MlflowDeployment_is_refused_naming_InputObject() =>
        RefusedBeforeAnyRequest("$null | Remove-MlflowDeployment -Force", "InputObject");

    [Fact]
    public void No_cmdlet_parameter_relies_on_ValidatePattern_which_ignores_case_and_accepts_a_final_line_feed()
    {
        var patterns = PowerShellRunner.CmdletTypes.SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttributes(typeof(ValidatePatternAttribute), true).Length > 0)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        Assert.Empty(patterns);
    }

    private void RefusedBeforeAnyRequest(string command, string parameter)
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run(command);

        var error = Assert.Single(result.Errors);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        Assert.Empty(emulator.Host.Requests);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("InvalidDeploymentInput,", error.FullyQualifiedErrorId);
        Assert.Equal(parameter, Assert.IsType<InvalidDeploymentInputException>(error.Exception).ParameterName);
        Assert.Contains($"-{parameter}: ", error.ErrorDetails.Message);
        Assert.Equal("Correct that parameter and run the command again; nothing was changed.", error.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain("Correct that parameter", error.ErrorDetails.Message);
    }
}
