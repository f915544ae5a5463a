using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Server;

/// <summary>Without -Image the deployment publishes its own image into the repository and runs it by digest.</summary>
[Collection(ImageHarnessCollection.Name)]
public sealed class BuiltInImageDeploymentTests : IDisposable
{
    private readonly ImageHarness harness;
    private readonly ITestOutputHelper output;
    private readonly TestContexts contexts = new();
    private readonly string configDirectory = Directory.CreateTempSubdirectory("oneclickmlflow-gcloud-").FullName;

    public BuiltInImageDeploymentTests(ImageHarness harness, ITestOutputHelper output)
    {
        this.harness = harness;
        this.output = output;
    }

    public void Dispose()
    {
        contexts.Dispose();
        Directory.Delete(configDirectory, recursive: true);
        if (harness.Bed.SkipReason is null && harness.Bed.SharedEngine)
        {
            harness.Bed.RemoveImagesAsync(new[] { $"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow" }).GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task The_image_is_built_and_pushed_once_and_the_version_runs_it_by_digest()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var context = contexts.Scratch("server " + Guid.NewGuid());

        var (first, firstReport) = await DeployAsync(context);
        var (second, secondReport) = await DeployAsync(context);

        var repository = $"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow";
        Assert.Empty(firstReport.Failed);
        Assert.Equal(ResourceOutcome.Succeeded, Outcome(firstReport, "server-image"));
        Assert.StartsWith(repository + "@sha256:", first.Image);
        Assert.StartsWith("v-" + first.Image.Split(':').Last()[..12] + "-", first.ServingVersion);
        Assert.Equal(ResourceOutcome.Unchanged, Outcome(secondReport, "server-image"));
        Assert.Equal(ResourceOutcome.Unchanged, Outcome(secondReport, "server-version"));
        Assert.Equal(first.Image, second.Image);
    }

    [Fact]
    public async Task A_plan_of_new_content_asks_the_registry_only_and_builds_nothing()
    {
        if (harness.Skip(output))
        {
            return;
        }
        await DeployAsync(contexts.Scratch("deployed " + Guid.NewGuid()));
        var context = contexts.Scratch("never built " + Guid.NewGuid());
        var before = await harness.Bed.ImagesAsync($"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow");

        using var session = await SessionAsync();
        var plan = await new DeploymentEngine().PlanAsync(Graph(session, context).Resources, CancellationToken.None);

        var change = plan.Changes.Single(c => c.ResourceId == "server-image");
        Assert.Equal(ChangeAction.Create, change.Action);
        Assert.Contains("build", change.Reason);
        Assert.Equal(before, await harness.Bed.ImagesAsync($"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow"));
    }

    [Fact]
    public async Task Without_rebuild_a_serving_deployment_keeps_its_image_and_new_content_is_not_built()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var (deployed, _) = await DeployAsync(contexts.Scratch("serving " + Guid.NewGuid()));
        var before = await harness.Bed.ImagesAsync($"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow");

        using var session = await SessionAsync();
        var graph = Graph(session, contexts.Scratch("new content " + Guid.NewGuid()), rebuild: false);
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(graph.Resources, CancellationToken.None);
        var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

        var image = plan.Changes.Single(c => c.ResourceId == "server-image");
        Assert.Equal(ChangeAction.None, image.Action);
        Assert.Contains("keeps", image.Reason);
        Assert.Equal(ResourceOutcome.Unchanged, Outcome(report, "server-version"));
        Assert.Equal(deployed.Image, graph.Describe(report).Image);
        Assert.Equal(before, await harness.Bed.ImagesAsync($"{harness.RegistryHost}/{ImageHarness.Project}/mlflow/mlflow"));
    }

    private async Task<(MlflowDeployment, DeploymentRunReport)> DeployAsync(string context)
    {
        using var session = await SessionAsync();
        var graph = Graph(session, context);
        var engine = new DeploymentEngine();
        var report = await engine.ApplyAsync((await engine.PlanAsync(graph.Resources, CancellationToken.None)).ApproveAll(), CancellationToken.None);
        return (graph.Describe(report), report);
    }

    /// <param name="rebuild">-RebuildImage: the project's deployment serves already (tests share it), and is kept without it.</param>
    private MlflowDeploymentGraph Graph(GoogleCloudSession session, string context, bool rebuild = true) => DeploymentGraphBuilder.Build(
        MlflowDeploymentSpec.From(new DeploymentInput { ProjectId = ImageHarness.Project, Region = "europe-west1", RebuildImage = rebuild }), session,
        new BuiltInImage(context, harness.PublisherOptions()) { RegistryHost = harness.RegistryHost });

    private Task<GoogleCloudSession> SessionAsync() => GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions
    {
        Environment = new Dictionary<string, string>(harness.Emulator.Environment) { ["CLOUDSDK_CONFIG"] = configDirectory },
        PollSchedule = new PollSchedule { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    }, CancellationToken.None);

    private static ResourceOutcome Outcome(DeploymentRunReport report, string id) => report.Resources.Single(r => r.ResourceId == id).Outcome;
}
