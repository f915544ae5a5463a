using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Prerequisites;
using OneClickMlflow.Tests.Google;
using Xunit;

namespace OneClickMlflow.Tests.Prerequisites;

public sealed class PrerequisiteCheckerTests : EmulatedSessionTestBase
{
    private sealed class FixedDockerProbe : IDockerProbe
    {
        private readonly DockerProbeResult result;

        public FixedDockerProbe(bool available, string status) => result = new DockerProbeResult(available, status);

        public Task<DockerProbeResult> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(result);
    }

    [Fact]
    public async Task Owner_with_an_engine_is_ready_and_sees_which_apis_are_missing()
    {
        using var session = await SessionAsync();
        await session.ServiceUsage.BatchEnableAsync(Project, new[] { "compute.googleapis.com", "iam.googleapis.com" }, null, CancellationToken.None);
        Host.ClearRequests();

        var report = await new PrerequisiteChecker(session, new FixedDockerProbe(true, "Docker 28.0")).CheckAsync(CancellationToken.None);

        Assert.True(report.Ready);
        Assert.Equal(Project, report.ProjectId);
        Assert.Equal(Deployer, report.Account);
        Assert.Contains("compute.googleapis.com", report.EnabledApis);
        Assert.Contains("sqladmin.googleapis.com", report.MissingApis);
        Assert.Equal(PrerequisiteChecker.RequiredApis.Count, report.EnabledApis.Count + report.MissingApis.Count);
        Assert.Empty(report.MissingPermissions);
        Assert.Equal("Docker 28.0", report.DockerStatus);
        Assert.Single(RequestsTo(":testIamPermissions"));
        Assert.Single(RequestsTo("/services"));
    }

    [Fact]
    public async Task Viewer_is_not_ready_and_sees_the_permissions_it_lacks()
    {
        var viewer = AddServiceAccountWithRole("viewer", "roles/viewer");
        using var session = await SessionAsync(configure: o => o.ImpersonateServiceAccount = viewer);

        var report = await new PrerequisiteChecker(session, new FixedDockerProbe(true, "Docker 28.0")).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Contains("compute.networks.create", report.MissingPermissions);
        Assert.Contains("resourcemanager.projects.get", report.GrantedPermissions);
    }

    [Fact]
    public async Task No_engine_means_not_ready_with_the_reason()
    {
        using var session = await SessionAsync();

        var report = await new PrerequisiteChecker(session, new FixedDockerProbe(false, "engine unreachable")).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.False(report.DockerAvailable);
        Assert.Equal("engine unreachable", report.DockerStatus);
    }

    [Fact]
    public async Task The_permission_list_comes_from_the_resources_and_fits_one_test_call()
    {
        using var session = await SessionAsync();

        var permissions = PrerequisiteChecker.RequiredPermissions(session, Project);

        Assert.InRange(permissions.Count, 1, 100);
        Assert.Equal(permissions.Count, permissions.Distinct().Count());
        Assert.All(permissions, p => Assert.Matches(@"^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$", p));
        // What setting the secret's and the log pusher's policies needs, which a hand-kept list once missed.
        Assert.Contains("secretmanager.secrets.setIamPolicy", permissions);
        Assert.Contains("iam.serviceAccounts.setIamPolicy", permissions);
        Assert.DoesNotContain("compute.firewalls.create", permissions);
    }
}
