using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>Projects' parents, v1 getAncestry and organizations.get, as the generated cloudresourcemanager v1 client reads them.</summary>
public sealed class ResourceManagerOrganizationTests : EmulatorTestBase
{
    private const string Lonely = "lonely-project";
    private const string V1 = "cloudresourcemanager/v1/";

    private readonly ITestOutputHelper output;

    public ResourceManagerOrganizationTests(ITestOutputHelper output) => this.output = output;

    protected override EmulatorOptions Options() => new() { Projects = { Project, Lonely }, ProjectsWithoutOrganization = { Lonely } };

    [Fact]
    public async Task A_seeded_project_sits_in_the_default_organization_of_the_test_users_domain()
    {
        var token = await DeployerTokenAsync();

        var v1 = await ReadJsonAsync(await SendAsync(HttpMethod.Get, V1 + "projects/" + Project, token));
        var v3 = await ReadJsonAsync(await SendAsync(HttpMethod.Get, "cloudresourcemanager/v3/projects/" + Project, token));
        var ancestry = await AncestryAsync(Project, token);

        Assert.Equal("organization", v1["parent"]!["type"]!.GetValue<string>());
        Assert.Equal(EmulatorState.DefaultOrganizationId, v1["parent"]!["id"]!.GetValue<string>());
        Assert.Equal(EmulatorState.DefaultParent, v3["parent"]!.GetValue<string>());
        Assert.Equal(new[] { "project/" + Project, "organization/" + EmulatorState.DefaultOrganizationId }, ancestry);
        Assert.Equal("example.com", EmulatorState.DefaultOrganizationDomain);
    }

    [Fact]
    public async Task A_project_seeded_without_organization_has_no_parent_and_only_itself_as_ancestor()
    {
        Host.State.Grant(Lonely, "roles/owner", "serviceAccount:deployer@mlflow-demo.iam.gserviceaccount.com");
        var token = await DeployerTokenAsync();

        var v1 = await ReadJsonAsync(await SendAsync(HttpMethod.Get, V1 + "projects/" + Lonely, token));
        var v3 = await ReadJsonAsync(await SendAsync(HttpMethod.Get, "cloudresourcemanager/v3/projects/" + Lonely, token));

        Assert.Null(v1["parent"]);
        Assert.Null(v3["parent"]);
        Assert.Equal(new[] { "project/" + Lonely }, await AncestryAsync(Lonely, token));
    }

    [Fact]
    public async Task The_ancestry_climbs_folders_up_to_the_organization_and_only_reads()
    {
        Host.State.AddFolder("300000000003", EmulatorState.DefaultParent);
        Host.State.AddFolder("300000000004", "folders/300000000003");
        Host.State.GetProject(Project).Parent = "folders/300000000004";

        var ancestry = await AncestryAsync(Project, await DeployerTokenAsync());

        Assert.Equal(new[] { "project/" + Project, "folder/300000000004", "folder/300000000003", "organization/" + EmulatorState.DefaultOrganizationId },
            ancestry);
        Assert.DoesNotContain(Host.Requests, r => r.Mutating);
    }

    [Fact]
    public async Task GetAncestry_takes_only_its_empty_request_and_the_projects_get_permission()
    {
        var outsider = await AccessTokenAsync(IssueKey("outsider@mlflow-demo.iam.gserviceaccount.com"));

        var unknownField = await SendAsync(HttpMethod.Post, V1 + $"projects/{Project}:getAncestry", await DeployerTokenAsync(), """{"depth": 2}""");
        var forbidden = await SendAsync(HttpMethod.Post, V1 + $"projects/{Project}:getAncestry", outsider, "{}");

        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Contains("Unknown name \"depth\"", ErrorMessage(await ReadJsonAsync(unknownField)));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task An_organization_shows_its_primary_domain_and_customer_only_to_who_may_read_it_there()
    {
        var projectOwner = "owner@mlflow-demo.iam.gserviceaccount.com";
        var ownerToken = await AccessTokenAsync(IssueKey(projectOwner));
        Host.State.Grant(Project, "roles/owner", "serviceAccount:" + projectOwner);

        var read = await SendAsync(HttpMethod.Get, V1 + "organizations/" + EmulatorState.DefaultOrganizationId, await DeployerTokenAsync());
        var byProjectOwner = await SendAsync(HttpMethod.Get, V1 + "organizations/" + EmulatorState.DefaultOrganizationId, ownerToken);
        var missing = await SendAsync(HttpMethod.Get, V1 + "organizations/999999999999", await DeployerTokenAsync());
        var organization = await ReadJsonAsync(read);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("organizations/" + EmulatorState.DefaultOrganizationId, organization["name"]!.GetValue<string>());
        Assert.Equal("example.com", organization["displayName"]!.GetValue<string>());
        Assert.Equal(EmulatorState.DefaultDirectoryCustomerId, organization["owner"]!["directoryCustomerId"]!.GetValue<string>());
        Assert.Equal("ACTIVE", organization["lifecycleState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, byProjectOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
    }

    [Fact]
    public async Task The_admin_surface_seeds_organizations_and_projects_in_them_or_in_none()
    {
        var seededOrganization = await Http.PostAsync("_emulator/organizations", Json(
            """{"organizationId": "200000000002", "domain": "corp.example", "iamBindings": [{"role": "roles/browser", "members": ["serviceAccount:deployer@mlflow-demo.iam.gserviceaccount.com"]}]}"""));
        var inIt = await Http.PostAsync("_emulator/projects", Json("""{"projectId": "corp-project", "parent": "organizations/200000000002"}"""));
        var inNone = await Http.PostAsync("_emulator/projects", Json("""{"projectId": "solo-project", "withoutOrganization": true}"""));
        var unknownParent = await Http.PostAsync("_emulator/projects", Json("""{"projectId": "stray-project", "parent": "organizations/5"}"""));
        var organization = await ReadJsonAsync(await SendAsync(HttpMethod.Get, V1 + "organizations/200000000002", await DeployerTokenAsync()));

        Assert.Equal(HttpStatusCode.Created, seededOrganization.StatusCode);
        Assert.Equal(HttpStatusCode.Created, inIt.StatusCode);
        Assert.Equal(HttpStatusCode.Created, inNone.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownParent.StatusCode);
        Assert.Equal("corp.example", organization["displayName"]!.GetValue<string>());
        Assert.Equal("organizations/200000000002", Host.State.GetProject("corp-project").Parent);
        Assert.Null(Host.State.GetProject("solo-project").Parent);
        Assert.Null(Host.State.FindProject("stray-project"));
    }

    [Fact]
    public async Task Gcloud_reads_a_projects_ancestors_and_its_organization()
    {
        if (GcloudCli.Missing(output))
        {
            return;
        }
        using var gcloud = new GcloudCli(Host);
        await gcloud.RunAsync("auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        var ancestors = JsonNode.Parse(await gcloud.RunAsync("projects", "get-ancestors", Project, "--format=json"))!.AsArray();
        var organization = JsonNode.Parse(await gcloud.RunAsync("organizations", "describe", EmulatorState.DefaultOrganizationId, "--format=json"))!;

        Assert.Equal(new[] { Project, EmulatorState.DefaultOrganizationId }, ancestors.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal(new[] { "project", "organization" }, ancestors.Select(a => a!["type"]!.GetValue<string>()));
        Assert.Equal("example.com", organization["displayName"]!.GetValue<string>());
    }

    private async Task<string[]> AncestryAsync(string project, string token)
    {
        var response = await SendAsync(HttpMethod.Post, V1 + $"projects/{project}:getAncestry", token, "{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response))["ancestor"]!.AsArray()
            .Select(a => a!["resourceId"]!["type"]!.GetValue<string>() + "/" + a["resourceId"]!["id"]!.GetValue<string>()).ToArray();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
