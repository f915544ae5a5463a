using System;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Prerequisites;
using OneClickMlflow.Tests.Server;
using Xunit;

namespace OneClickMlflow.Tests.Prerequisites;

/// <summary>Test-MlflowPrerequisite checks exactly what a deployment's whole lifecycle asks Google's IAM for.</summary>
public sealed class DeploymentPermissionsTests : ServerDeploymentTestBase
{
    [Fact]
    public async Task Every_permission_the_emulator_checks_over_a_deployment_lifecycle_is_in_the_prerequisite_list()
    {
        await DeployAsync(Input(TestImages.First, webUsers: "user:alice@example.com"));
        await DeployAsync(Input(TestImages.Second, webUsers: "user:bob@example.com"));
        await RemoveAsync(Input(TestImages.Second));
        await DeployAsync(Input(TestImages.Third));
        await RemoveAsync(Input(TestImages.Third));

        using var session = await SessionAsync();
        var required = PrerequisiteChecker.RequiredPermissions(session, Project);
        var checkedForDeployer = Read(s => s.GetProject(Project).CheckedPermissions
            .Where(c => c.Member == "serviceAccount:" + Deployer).Select(c => c.Permission).Distinct().OrderBy(p => p).ToList());

        Assert.NotEmpty(checkedForDeployer);
        // actAs is needed on the server account alone, which the deployment grants there itself (server-account-user);
        // the emulator asks the project for it when the account's own policy does not grant it (an owner deploys here).
        Assert.Empty(checkedForDeployer.Except(required).Except(new[] { "iam.serviceAccounts.actAs" }));
    }
}
