using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Management.Automation;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Images;
using OneClickMlflow.Tests.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class PublishMlflowImageTests : IDisposable
{
    // Nothing listens on port 1: a registry the cmdlet must not (WhatIf) or cannot reach.
    private const string DeadRegistry = "127.0.0.1:1";

    private readonly EmulatorFixture emulator;
    private readonly ITestOutputHelper output;
    private readonly ScratchImages scratch;
    private readonly string context;

    public PublishMlflowImageTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        this.emulator = emulator;
        this.output = output;
        scratch = new ScratchImages(emulator);
        context = scratch.Context;
    }

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void WhatIf_contacts_no_registry_and_makes_no_mutating_call()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {DeadRegistry} -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Method != "GET" && !r.Path.Contains("token", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreachable_registry_is_a_connection_error_naming_it()
    {
        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {DeadRegistry} -ErrorAction Continue");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RegistryUnavailable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains(DeadRegistry, error.ErrorDetails.Message);
        Assert.Contains(result.Progress, p => p.CurrentOperation == "Checking registry");
    }

    [Fact]
    public void A_missing_context_directory_is_reported_with_its_path()
    {
        var missing = Path.Combine(context, "nowhere");

        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{missing}' -RegistryHost {DeadRegistry} -ErrorAction Continue");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("ImageContextNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains(missing, error.ErrorDetails.Message);
    }

    [Fact]
    public async Task Publish_creates_the_repository_pushes_what_the_registry_serves_and_an_unchanged_rerun_does_nothing()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var image = NewImageName();
        var script = $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {bed.RegistryHost} -ImageName {image} -Verbose";

        var (first, firstTime) = WithEngine(bed, () => PowerShellRunner.Run(script));
        emulator.Host.ClearRequests();
        var (second, secondTime) = WithEngine(bed, () => PowerShellRunner.Run(script));
        output.WriteLine($"First publish (repository, build, push): {firstTime.TotalMilliseconds:0} ms; unchanged re-publish: {secondTime.TotalMilliseconds:0} ms");

        Assert.Empty(first.Errors);
        var published = Assert.IsType<ImagePublishResult>(Assert.Single(first.Output).BaseObject);
        Assert.True(published.Built && published.Pushed);
        Assert.Equal($"{bed.RegistryHost}/{EmulatorFixture.OwnedProject}/mlflow/{image}", published.Repository);
        Assert.StartsWith(published.Repository + "@sha256:", published.ImageUri);
        Assert.Equal(await bed.ServedManifestDigestAsync(DeployerToken(), $"{EmulatorFixture.OwnedProject}/mlflow/{image}", published.Tag), published.Digest);
        Assert.Equal("mlflow", Repository("europe-west1", "mlflow")!.Labels["oneclick-mlflow"]);
        var listed = (await DockerImagesAsync("europe-west1", "mlflow"))
            .Single(i => i["uri"]!.GetValue<string>() == published.ImageUri.Replace(bed.RegistryHost, "europe-west1-docker.pkg.dev"));
        Assert.Equal(new[] { published.Tag }, listed["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains(first.Progress, p => p.CurrentOperation == "Pushing");
        Assert.Equal(ProgressRecordType.Completed, first.Progress[^1].RecordType);
        Assert.Contains(first.Verbose, line => line.Contains("using API", StringComparison.Ordinal));
        var again = Assert.IsType<ImagePublishResult>(Assert.Single(second.Output).BaseObject);
        Assert.False(again.Built || again.Pushed);
        Assert.Equal(published.ImageUri, again.ImageUri);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public async Task A_changed_file_is_published_under_a_new_tag()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var script = $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {bed.RegistryHost} -ImageName {NewImageName()}";

        var (before, _) = WithEngine(bed, () => PowerShellRunner.Run(script));
        File.WriteAllText(Path.Combine(context, "hello.txt"), "hello again");
        var (after, _) = WithEngine(bed, () => PowerShellRunner.Run(script));

        var first = Assert.IsType<ImagePublishResult>(Assert.Single(before.Output).BaseObject);
        var second = Assert.IsType<ImagePublishResult>(Assert.Single(after.Output).BaseObject);
        Assert.NotEqual(first.Tag, second.Tag);
        Assert.True(second.Pushed);
        Assert.NotEqual(first.Digest, second.Digest);
    }

    [Fact]
    public async Task WhatIf_with_a_live_engine_and_registry_makes_no_repository_no_image_and_no_mutating_call()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var image = NewImageName();
        emulator.Host.ClearRequests();

        var (result, _) = WithEngine(bed, () => PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Repository whatif-repo -Path '{context}' -RegistryHost {bed.RegistryHost} -ImageName {image} -WhatIf"));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Path.Contains("/v2/token", StringComparison.Ordinal));
        Assert.Null(Repository("europe-west1", "whatif-repo"));
        Assert.Empty(await bed.ImagesAsync($"{bed.RegistryHost}/{EmulatorFixture.OwnedProject}/whatif-repo/{image}"));
    }

    [Fact]
    public async Task A_token_that_may_not_pull_or_push_is_refused_by_the_registry_and_reported_as_access_denied()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        // The deployer only views this project: it may read the repository but not pull from or push to it.
        const string project = "viewed-project";
        if (emulator.Host.State.FindProject(project) is null)
        {
            emulator.Host.State.AddProject(project, enabledServices: ProjectState.DefaultServices.Append("artifactregistry.googleapis.com"));
            emulator.Host.State.Grant(project, "roles/viewer", emulator.Deployer);
            lock (emulator.Host.State.Gate)
            {
                emulator.Host.State.ApiState<ArtifactRegistryState>().AddDockerRepository(project, "europe-west1", "mlflow", DateTimeOffset.UtcNow)
                    .Labels["oneclick-mlflow"] = "mlflow";
            }
        }

        var (result, _) = WithEngine(bed, () => PowerShellRunner.Run(
            $"Publish-MlflowImage -ProjectId {project} -Region europe-west1 -Path '{context}' -RegistryHost {bed.RegistryHost} -ErrorAction Continue"));

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RegistryAccessDenied,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("artifactregistry.repositories.downloadArtifacts", error.ErrorDetails.Message);
        Assert.Contains("roles/artifactregistry.writer", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task No_engine_is_reported_as_a_connection_error_after_the_registry_check()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var missing = new Uri("unix:///nonexistent/docker.sock");

        var (result, _) = WithEngine(bed, () => PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {bed.RegistryHost} -ImageName {NewImageName()} -ErrorAction Continue"),
            missing);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("DockerEngineUnavailable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("/nonexistent/docker.sock", error.ErrorDetails.Message);
    }

    private Task<DockerTestBed?> BedAsync() => scratch.BedAsync(output);

    private string NewImageName()
    {
        var image = "t" + Guid.NewGuid().ToString("N")[..10];
        scratch.Track($"{EmulatorFixture.OwnedProject}/mlflow/{image}");
        return image;
    }

    /// <summary>Runs with DOCKER_HOST naming the test bed's engine (or <paramref name="engine"/>), and times the run.</summary>
    private static (PowerShellResult Result, TimeSpan Elapsed) WithEngine(DockerTestBed bed, Func<PowerShellResult> run, Uri? engine = null)
    {
        var previousHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", (engine ?? bed.EngineEndpoint).ToString());
        try
        {
            var clock = Stopwatch.StartNew();
            var result = run();
            return (result, clock.Elapsed);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previousHost);
        }
    }

    private string DeployerToken() => scratch.DeployerToken();

    /// <summary>Artifact Registry's dockerImages list of a repository, as a client of the API reads it.</summary>
    private async Task<List<JsonObject>> DockerImagesAsync(string location, string repository)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Host.BaseUri,
            $"artifactregistry/v1/projects/{EmulatorFixture.OwnedProject}/locations/{location}/repositories/{repository}/dockerImages"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DeployerToken());
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (body["dockerImages"] as JsonArray ?? new JsonArray()).Select(i => i!.AsObject()).ToList();
    }

    private ArtifactRepositoryRecord? Repository(string location, string id)
    {
        lock (emulator.Host.State.Gate)
        {
            return emulator.Host.State.ApiState<ArtifactRegistryState>().Repositories.GetValueOrDefault((EmulatorFixture.OwnedProject, location, id));
        }
    }
}
