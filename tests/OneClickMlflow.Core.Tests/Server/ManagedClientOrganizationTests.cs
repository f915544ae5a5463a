using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// Google's managed OAuth client lets only users of the project's organization sign in through a browser: a plan
/// reads the project's ancestry and organization and refuses, before any change, web users it could not serve.
/// </summary>
public sealed class ManagedClientOrganizationTests : ServerDeploymentTestBase
{
    private const string Alice = "user:alice@example.com";
    private const string Robot = "serviceAccount:robot@elsewhere.iam.gserviceaccount.com";

    [Fact]
    public async Task A_project_in_no_organization_is_refused_before_any_change_with_the_custom_client_remedy()
    {
        MoveProjectTo(EmulatorState.NoOrganization);

        var error = await Assert.ThrowsAsync<PlanningException>(() => DeployAsync(Input(webUsers: Alice)));

        Assert.Contains($"project '{Project}' belongs to no organization", error.Message);
        Assert.Contains(Alice + " could not open the web UI", error.Message);
        Assert.Contains("-OAuthClientId and -OAuthClientSecret", error.Message);
        Assert.Contains(ProjectOrganizationResource.CustomClientGuide, error.Message);
        Assert.Contains("Programmatic access is unaffected", error.Message);
        Assert.Contains("Get-MlflowTrackingToken", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task Users_groups_and_domains_outside_the_organizations_domain_are_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(webUsers: new[]
        {
            Alice, "user:bob@gmail.com", "group:ml@partner.org", "domain:other.org", "domain:example.com", Robot,
        })));

        Assert.Contains("user:bob@gmail.com, group:ml@partner.org, domain:other.org are outside its domain example.com", error.Message);
        Assert.Contains("secondary domain", error.Message);
        Assert.Contains("-OAuthClientId and -OAuthClientSecret", error.Message);
        Assert.DoesNotContain(Alice, error.Message);
        Assert.DoesNotContain(Robot, error.Message);
    }

    [Fact]
    public async Task Members_of_the_organization_pass_and_the_plan_names_it()
    {
        var plan = await PlanAsync(Input(webUsers: new[] { Alice, "group:ml-team@Example.com", Robot }));

        var organization = plan.Changes.Single(c => c.ResourceId == "organization");
        Assert.Equal(ChangeAction.None, organization.Action);
        Assert.Contains($"in organization example.com ({EmulatorState.DefaultOrganizationId})", organization.Reason);
        Assert.Null(organization.Warning);
    }

    [Fact]
    public async Task The_organization_is_found_above_the_projects_folders()
    {
        lock (Host.State.Gate)
        {
            Host.State.AddFolder("300000000003", EmulatorState.DefaultParent);
            Host.State.AddFolder("300000000004", "folders/300000000003");
        }
        MoveProjectTo("folders/300000000004");

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(webUsers: "user:bob@gmail.com")));

        Assert.Contains("user:bob@gmail.com is outside its domain example.com", error.Message);
    }

    [Fact]
    public async Task An_organization_the_deployer_cannot_read_is_a_warning_not_a_refusal()
    {
        lock (Host.State.Gate)
        {
            Host.State.AddOrganization("200000000002", "corp.example");
        }
        MoveProjectTo("organizations/200000000002");

        var plan = await PlanAsync(Input(webUsers: "user:bob@gmail.com"));

        var organization = plan.Changes.Single(c => c.ResourceId == "organization");
        Assert.Equal(ChangeAction.None, organization.Action);
        Assert.Contains("200000000002", organization.Reason);
        Assert.Contains("could not be read", organization.Warning);
        Assert.Contains("resourcemanager.organizations.get", organization.Warning);
        Assert.Contains("user:bob@gmail.com", organization.Warning);
        Assert.Contains("-OAuthClientId and -OAuthClientSecret", organization.Warning);
    }

    [Fact]
    public async Task A_custom_client_service_accounts_alone_and_the_live_view_read_no_organization()
    {
        MoveProjectTo(EmulatorState.NoOrganization);

        var serviceAccountsOnly = await PlanAsync(Input(webUsers: Robot));
        await DeployAsync(WithClient(Input(webUsers: Alice), "secret"));
        var live = await PlanAsync(Live());

        Assert.Equal(CustomClient, Read(s => App()!.OAuthClientId));
        Assert.Contains("not checked", serviceAccountsOnly.Changes.Single(c => c.ResourceId == "organization").Reason);
        Assert.Contains("not checked", live.Changes.Single(c => c.ResourceId == "organization").Reason);
        Assert.Empty(RequestsTo(":getAncestry"));
        Assert.Empty(RequestsTo("/organizations/"));
    }

    private void MoveProjectTo(string? parent)
    {
        lock (Host.State.Gate)
        {
            Host.State.GetProject(Project).Parent = parent;
        }
    }
}
