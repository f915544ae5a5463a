using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Prerequisites;
using OneClickMlflow.Tests.Server;
using Xunit;

namespace OneClickMlflow.Tests.Prerequisites;

/// <summary>The custom role docs/roles.md shows is the module's own permission list, and it is enough for a whole lifecycle.</summary>
public sealed class DeployerRoleTests : ServerDeploymentTestBase
{
    private const string Begin = "<!-- deployer-role:begin -->\n";
    private const string End = "<!-- deployer-role:end -->";

    private static string RolesPage => Path.Combine(RepositoryRoot(), "docs", "roles.md");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "OneClickMlflow.psd1")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("The repository root (OneClickMlflow.psd1) was not found.");
    }

    [Fact]
    public async Task Docs_roles_shows_exactly_the_permissions_the_resources_declare_and_the_command_that_makes_the_role()
    {
        using var session = await SessionAsync();
        var expected = DeployerRole.DocumentationBlock(PrerequisiteChecker.RequiredPermissions(session, Project));
        var page = File.ReadAllText(RolesPage).Replace("\r\n", "\n");
        var start = page.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var end = page.IndexOf(End, StringComparison.Ordinal);
        var shown = page.Substring(start, end - start);

        if (shown != expected && Environment.GetEnvironmentVariable("ONECLICKMLFLOW_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(RolesPage, page.Substring(0, start) + expected + page.Substring(end));
            shown = expected;
        }
        Assert.True(shown == expected,
            "docs/roles.md's deployer role differs from the module's permissions; run the tests with ONECLICKMLFLOW_UPDATE_DOCS=1 " +
            "to write it, or paste:\n" + expected);
    }

    [Fact]
    public async Task A_deployer_holding_only_the_custom_role_deploys_logs_and_removes_a_whole_deployment()
    {
        using (var session = await SessionAsync())
        {
            RoleCatalog.DefineCustomRole($"projects/{Project}/roles/{DeployerRole.RoleId}", PrerequisiteChecker.RequiredPermissions(session, Project));
        }
        var narrow = AddServiceAccountWithRole("narrow-deployer", $"projects/{Project}/roles/{DeployerRole.RoleId}");
        var input = Input(webUsers: "user:alice@example.com");

        var deployment = await DeployAsync(input, impersonate: narrow);

        Assert.False(string.IsNullOrEmpty(deployment.ServingVersion));
        // It may act as the server account, and as no other account of the project.
        var grants = Read(s => s.FindServiceAccount(Names.ServerServiceAccountEmail)!.Policy.Bindings
            .Where(b => b.Role == "roles/iam.serviceAccountUser").SelectMany(b => b.Members).ToList());
        Assert.Equal(new[] { "serviceAccount:" + narrow }, grants);
        Assert.DoesNotContain(Read(s => s.GetProject(Project).Policy.RolesOf("serviceAccount:" + narrow).ToList()), r => r == "roles/iam.serviceAccountUser");
        Assert.Empty((await DeployAsync(input, impersonate: narrow)).Changes.Where(c => c.Outcome == ResourceOutcome.Succeeded));

        var removal = await RemoveAsync(input, impersonate: narrow);
        Assert.Empty(removal.Failed);
    }
}
