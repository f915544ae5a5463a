using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Emulator.Infrastructure;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Prerequisites;
using Xunit;

namespace OneClickMlflow.Tests.Platform;

/// <summary>The deployment's Docker repository in Artifact Registry, made and kept by the platform graph.</summary>
public sealed class ImageRepositoryDeploymentTests : PlatformDeploymentTestBase
{
    private ArtifactRepositoryRecord? Repository() =>
        Read(s => s.ApiState<ArtifactRegistryState>().Repositories.GetValueOrDefault((Project, Region, Names.ArtifactRepositoryName)));

    [Fact]
    public async Task First_run_creates_a_labelled_docker_repository_in_the_region_and_a_rerun_leaves_it()
    {
        var first = await DeployAsync();
        Host.ClearRequests();
        var second = await DeployAsync();

        Assert.Equal(ResourceOutcome.Succeeded, first.Resources.Single(r => r.ResourceId == "image-repository").Outcome);
        var repository = Repository()!;
        Assert.Equal("DOCKER", repository.Format);
        Assert.Equal("mlflow", repository.Labels["oneclick-mlflow"]);
        Assert.Equal(ResourceOutcome.Unchanged, second.Resources.Single(r => r.ResourceId == "image-repository").Outcome);
        Assert.DoesNotContain(Host.Requests, r => r.Api == "artifactregistry" && r.Mutating);
    }

    [Fact]
    public async Task The_repository_alone_with_its_api_waits_for_the_create_operation_to_finish()
    {
        // What Publish-MlflowImage runs: the API enablement and the repository, with operations that take time.
        Host.State.Latency.Set(LatencySettings.Realistic, 0.1);
        using var session = await SessionAsync();
        var apis = new RequiredApisResource(session.ServiceUsage, Project, new[] { "artifactregistry.googleapis.com" });
        var repository = new ArtifactRepositoryResource(session.ArtifactRegistry, Project, Region, "images", Names.Labels, apis);
        var engine = new DeploymentEngine();

        var report = await engine.ApplyAsync((await engine.PlanAsync(new Resource[] { apis, repository }, CancellationToken.None)).ApproveAll(),
            CancellationToken.None);

        Assert.Empty(report.Failed);
        Assert.NotNull(Read(s => s.ApiState<ArtifactRegistryState>().Repositories.GetValueOrDefault((Project, Region, "images"))));
        Assert.Contains(Host.Requests, r => r.Api == "artifactregistry" && r.Method == "GET" && r.Path.Contains("/operations/"));
        Assert.Equal($"{Region}-docker.pkg.dev/{Project}/images", repository.RegistryUri);
    }

    [Fact]
    public async Task The_described_deployment_names_the_registry_uri_the_api_reports()
    {
        using var session = await SessionAsync();
        var graph = Graph(session);
        var engine = new DeploymentEngine();
        var report = await engine.ApplyAsync((await engine.PlanAsync(graph.Resources, CancellationToken.None)).ApproveAll(), CancellationToken.None);

        var deployment = graph.Describe(report);

        Assert.Equal($"{Region}-docker.pkg.dev/{Project}/{Names.ArtifactRepositoryName}", deployment.ImageRepository);
    }

    [Fact]
    public async Task A_label_removed_behind_its_back_is_planned_as_an_update_and_put_back_keeping_other_labels()
    {
        await DeployAsync();
        lock (Host.State.Gate)
        {
            Repository()!.Labels = new(StringComparer.Ordinal) { ["team"] = "data" };
        }

        var plan = await PlanAsync();
        await DeployAsync();

        var change = plan.Changes.Single(c => c.ResourceId == "image-repository");
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.Contains("label oneclick-mlflow is missing, want mlflow", change.Reason);
        Assert.Equal("mlflow", Repository()!.Labels["oneclick-mlflow"]);
        Assert.Equal("data", Repository()!.Labels["team"]);
    }

    [Fact]
    public async Task A_repository_of_another_format_under_the_name_is_refused_at_planning()
    {
        EnableServices(PrerequisiteChecker.RequiredApis.ToArray());
        AddPythonRepository();

        var error = await Assert.ThrowsAsync<PlanningException>(() => PlanAsync());

        var refusal = Assert.Single(error.Refusals);
        Assert.Equal("image-repository", refusal.ResourceId);
        Assert.Contains("PYTHON", refusal.Reason);
    }

    [Fact]
    public async Task A_repository_of_another_format_found_only_while_applying_fails_that_resource_and_is_left_as_it_is()
    {
        AddPythonRepository();

        // Its API is enabled by the same run, so the repository is first read while applying.
        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync());

        Assert.Contains("(image-repository)", error.Message);
        Assert.Contains("PYTHON", error.Message);
        Assert.Empty(Repository()!.Labels);
    }

    private void AddPythonRepository()
    {
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ArtifactRegistryState>().Repositories[(Project, Region, Names.ArtifactRepositoryName)] = new ArtifactRepositoryRecord
            {
                ProjectId = Project,
                Location = Region,
                RepositoryId = Names.ArtifactRepositoryName,
                Format = "PYTHON",
                Mode = "STANDARD_REPOSITORY",
                Created = DateTimeOffset.UtcNow,
            };
        }
    }
}
