using System.Management.Automation;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Every bad input fails before any request reaches Google, with a message that names the parameter.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentInputTests
{
    private readonly EmulatorFixture emulator;

    public NewMlflowDeploymentInputTests(EmulatorFixture emulator) => this.emulator = emulator;

    public static TheoryData<string, string> BadInputs => new()
    {
        { "-Region mars-north1", "Region" },
        { "-Region us-central", "Region" },
        { "-Region ''", "Region" },
        { "-Region europe-west1 -ProjectId Bad_Project", "ProjectId" },
        { "-Region europe-west1 -ProjectId 123456789012", "ProjectId" },
        { "-Region europe-west1 -ProjectId abc", "ProjectId" },
        { "-Region europe-west1 -Name 'Has Spaces'", "Name" },
        { "-Region europe-west1 -Name a", "Name" },
        { "-Region europe-west1 -Name googleflow", "Name" },
        { "-Region europe-west1 -Name this-name-is-far-too-long", "Name" },
        { "-Region europe-west1 -Name trailing-", "Name" },
        { "-Region europe-west1 -NetworkName 'Bad Network'", "NetworkName" },
        { "-Region europe-west1 -NetworkName projects/ps-input/global/subnetworks/x", "NetworkName" },
        { "-Region europe-west1 -WebAppUser alice@example.com", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser allUsers", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser user:not-an-email", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser serviceAccount:bob@example.com", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser 'domain:not a domain'", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser robot:bot@example.com", "WebAppUser" },
        { "-Region europe-west1 -WebAppUser user:alice@example.com, ''", "WebAppUser" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_fails_before_any_request_naming_the_parameter(string arguments, string parameter)
    {
        emulator.Host.ClearRequests();

        var project = arguments.Contains("-ProjectId") ? "" : "-ProjectId ps-input ";
        var result = PowerShellRunner.Run($"New-MlflowDeployment {project}{arguments}");

        var error = Assert.Single(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(emulator.Host.Requests);
        Assert.Contains(parameter, error.ErrorDetails?.Message ?? error.Exception.Message);
        Assert.True(error.CategoryInfo.Category is ErrorCategory.InvalidArgument or ErrorCategory.InvalidData,
            $"{error.CategoryInfo.Category}: {error.FullyQualifiedErrorId}");
    }

    [Theory]
    [InlineData("-SubnetworkName mlflow-subnet", "pass -NetworkName too")]
    [InlineData("-NetworkName shared-net -SubnetworkName projects/ps-input/regions/europe-west1/subnetworks/x", "short name")]
    [InlineData("-NetworkName shared-net -SubnetworkName 'Bad Subnet'", "short name")]
    public void SubnetworkName_is_checked_before_any_request_and_says_what_it_takes(string arguments, string explanation)
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment -ProjectId ps-input -Region europe-west1 {arguments}");

        var error = Assert.Single(result.Errors);
        Assert.Empty(emulator.Host.Requests);
        Assert.StartsWith("InvalidDeploymentInput", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        var message = error.ErrorDetails?.Message ?? error.Exception.Message;
        Assert.Contains("-SubnetworkName:", message);
        Assert.Contains(explanation, message);
    }
}
