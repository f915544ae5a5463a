using System;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>App Engine pulls the image as the server's own account: it may read exactly the image's repository, and its logs reach Cloud Logging.</summary>
public sealed class ImageReadAccessTests : ServerDeploymentTestBase
{
    private const string Reader = "roles/artifactregistry.reader";

    private string[] RepositoryReaders(string project, string repository) => Read(s =>
        s.ApiState<ArtifactRegistryState>().FindRepository(project, repository)?.Policy.Bindings
            .Where(b => b.Role == Reader).SelectMany(b => b.Members).ToArray() ?? Array.Empty<string>());

    private void SeedRepository(string project, string repository, params string[] readers) => Read(s =>
    {
        var record = s.ApiState<ArtifactRegistryState>().AddDockerRepository(project, "europe-west1", repository, DateTimeOffset.UtcNow);
        foreach (var member in readers)
        {
            record.Policy.AddBinding(Reader, member);
        }
        return record;
    });

    private static string ImageIn(string project, string repository) =>
        $"europe-west1-docker.pkg.dev/{project}/{repository}/mlflow@sha256:" + new string('4', 64);

    [Fact]
    public async Task The_server_account_may_read_the_deployments_repository_and_write_logs_and_metrics_on_the_project()
    {
        await DeployAsync(Input());

        Assert.Equal(new[] { "serviceAccount:" + Names.ServerServiceAccountEmail }, RepositoryReaders(Project, Names.ArtifactRepositoryName));
        var projectRoles = Read(s => s.GetProject(Project).Policy.RolesOf("serviceAccount:" + Names.ServerServiceAccountEmail).ToArray());
        Assert.Contains("roles/logging.logWriter", projectRoles);
        Assert.Contains("roles/monitoring.metricWriter", projectRoles);
        Assert.DoesNotContain(Reader, projectRoles);
    }

    [Fact]
    public async Task An_image_in_another_repository_of_the_project_is_made_readable_there_and_the_grant_goes_with_the_deployment()
    {
        SeedRepository(Project, "shared-images");
        var image = ImageIn(Project, "shared-images");

        await DeployAsync(Input(image));
        Assert.Contains("serviceAccount:" + Names.ServerServiceAccountEmail, RepositoryReaders(Project, "shared-images"));

        await RemoveAsync(Input(image));
        Assert.Empty(RepositoryReaders(Project, "shared-images"));
    }

    [Fact]
    public async Task An_image_of_another_project_the_account_cannot_read_is_refused_before_any_change_with_the_command_that_grants_it()
    {
        Host.State.AddProject("images-project", enabledServices: new[] { ArtifactRegistryApi.Service });
        Host.State.Grant("images-project", "roles/viewer", "serviceAccount:" + Deployer);
        SeedRepository("images-project", "released");
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input(ImageIn("images-project", "released"))));

        Assert.Contains("gcloud artifacts repositories add-iam-policy-binding released --project images-project --location europe-west1 " +
                        $"--member serviceAccount:{Names.ServerServiceAccountEmail} --role {Reader}", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task An_image_of_another_project_whose_owner_lets_the_account_read_it_deploys_without_changing_that_project()
    {
        Host.State.AddProject("images-project", enabledServices: new[] { ArtifactRegistryApi.Service });
        Host.State.Grant("images-project", "roles/viewer", "serviceAccount:" + Deployer);
        SeedRepository("images-project", "released", "serviceAccount:" + Names.ServerServiceAccountEmail);

        var deployment = await DeployAsync(Input(ImageIn("images-project", "released")));

        Assert.StartsWith("v-444444444444-", deployment.ServingVersion);
        Assert.DoesNotContain(Host.Requests, r => r.Mutating && r.Path.Contains("images-project", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_outside_artifact_registry_is_refused_before_any_change()
    {
        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync(Input("registry.example.com/team/mlflow@sha256:" + new string('5', 64))));

        Assert.Contains("image-read-access", error.Refusals.Select(r => r.ResourceId));
        Assert.Contains("Artifact Registry", error.Message);
        Assert.Empty(MutatingRequests());
    }

    [Fact]
    public async Task An_image_of_a_repository_the_project_does_not_have_is_refused_before_changing_the_deployment()
    {
        await DeployAsync(Input());
        Host.ClearRequests();

        var error = await Assert.ThrowsAsync<PlanningException>(() =>
            PlanAsync(Input("europe-west1-docker.pkg.dev/proj-one/missing-repository/mlflow@sha256:" + new string('5', 64))));

        Assert.Contains("projects/proj-one/locations/europe-west1/repositories/missing-repository, which does not exist", error.Message);
        Assert.Empty(MutatingRequests());
    }
}
