using System;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
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

        // What the deployment grants the deploying account itself when missing (actAs on the server account) is needed, not a prerequisite.
        var obtained = DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(Input()), session).Resources.SelectMany(r => r.Permissions.Obtains);
        Assert.NotEmpty(checkedForDeployer);
        Assert.Empty(checkedForDeployer.Except(required).Except(obtained));
        Assert.Contains("iam.serviceAccounts.actAs", checkedForDeployer);
        Assert.DoesNotContain("iam.serviceAccounts.actAs", required);
    }
}
