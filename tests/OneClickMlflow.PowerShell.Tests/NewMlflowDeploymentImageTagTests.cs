using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Images;
using OneClickMlflow.Tests.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>
/// New-MlflowDeployment -Image REGISTRY/PATH:TAG against a real registry: the tag is read once, before any change,
/// and the version runs (and is named after) the digest the registry serves for it.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentImageTagTests : IDisposable
{
    private const string Location = "europe-west1";
    private const string ImageRepository = "images";

    private readonly EmulatorFixture emulator;
    private readonly ITestOutputHelper output;
    private readonly ScratchImages scratch;

    public NewMlflowDeploymentImageTagTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        this.emulator = emulator;
        this.output = output;
        scratch = new ScratchImages(emulator, "hello " + Guid.NewGuid());
    }

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task A_tag_deploys_the_digest_the_registry_serves_and_a_rerun_makes_no_mutating_request()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var project = NewProject("ps-tag-deploy");
        var published = await PublishAsync(bed, project);
        var served = await bed.ServedManifestDigestAsync(DeployerToken(), RepositoryPath(published), published.Tag);
        var script = $"New-MlflowDeployment -ProjectId {project} -Region {Location} -Image {published.Repository}:{published.Tag} -Verbose";

        var first = PowerShellRunner.Run(script);
        emulator.Host.ClearRequests();
        var again = PowerShellRunner.Run(script);

        Assert.Empty(first.Errors);
        var deployment = Assert.IsType<MlflowDeployment>(Assert.Single(first.Output).BaseObject);
        var pinned = $"{published.Repository}@{served}";
        Assert.Equal(pinned, deployment.Image);
        Assert.StartsWith("v-" + served["sha256:".Length..][..12] + "-", deployment.ServingVersion);
        Assert.Equal(pinned, VersionImage(project, deployment.ServingVersion));
        Assert.Contains(first.Verbose, line => line.Contains($":{published.Tag} is {pinned}", StringComparison.Ordinal));
        Assert.Empty(again.Errors);
        var rerun = Assert.IsType<MlflowDeployment>(Assert.Single(again.Output).BaseObject);
        Assert.Equal(0, rerun.ChangeCount);
        Assert.Equal(deployment.ServingVersion, rerun.ServingVersion);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public async Task A_rerun_after_the_tag_moved_deploys_a_new_version_of_the_new_digest()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var project = NewProject("ps-tag-moved");
        var first = await PublishAsync(bed, project);
        var script = $"New-MlflowDeployment -ProjectId {project} -Region {Location} -Image {first.Repository}:{first.Tag}";
        var before = Assert.IsType<MlflowDeployment>(Assert.Single(PowerShellRunner.Run(script).Output).BaseObject);
        File.WriteAllText(Path.Combine(scratch.Context, "hello.txt"), "moved " + Guid.NewGuid());
        var second = await PublishAsync(bed, project);
        await MoveTagAsync(bed, first.Repository, from: second.Tag, to: first.Tag);

        var result = PowerShellRunner.Run(script);

        Assert.Empty(result.Errors);
        var after = Assert.IsType<MlflowDeployment>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(second.Digest, await bed.ServedManifestDigestAsync(DeployerToken(), RepositoryPath(first), first.Tag));
        Assert.Equal($"{first.Repository}@{second.Digest}", after.Image);
        Assert.NotEqual(before.ServingVersion, after.ServingVersion);
        Assert.StartsWith("v-" + second.Digest["sha256:".Length..][..12] + "-", after.ServingVersion);
    }

    [Fact]
    public async Task WhatIf_and_PlanOnly_with_a_tag_name_the_digest_and_make_no_mutating_request()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var project = NewProject("ps-tag-whatif");
        var published = await PublishAsync(bed, project);
        var pinned = $"{published.Repository}@{await bed.ServedManifestDigestAsync(DeployerToken(), RepositoryPath(published), published.Tag)}";
        var arguments = $"-ProjectId {project} -Region {Location} -Image {published.Repository}:{published.Tag}";
        emulator.Host.ClearRequests();

        var host = new AnsweringHost(answerYes: false);
        var whatIf = host.Run($"New-MlflowDeployment {arguments} -WhatIf");
        var plan = PowerShellRunner.Run($"New-MlflowDeployment {arguments} -PlanOnly");

        Assert.Empty(whatIf.Errors);
        Assert.Empty(whatIf.Output);
        Assert.Contains(host.Lines, line => line.StartsWith("What if:", StringComparison.Ordinal) && line.Contains(pinned, StringComparison.Ordinal));
        Assert.Empty(plan.Errors);
        var image = plan.Output.Select(o => Assert.IsType<PlannedChange>(o.BaseObject)).Single(c => c.ResourceId == "server-image");
        Assert.Equal(ChangeAction.None, image.Action);
        Assert.Contains(pinned, image.Reason);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        lock (emulator.Host.State.Gate)
        {
            Assert.False(emulator.Host.State.ApiState<AppEngineState>().Apps.ContainsKey(project));
        }
    }

    [Fact]
    public async Task A_tag_the_registry_does_not_have_is_refused_naming_image_and_tag_before_any_change()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var project = NewProject("ps-tag-missing");
        var published = await PublishAsync(bed, project);
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment -ProjectId {project} -Region {Location} -Image {published.Repository}:no-such-tag");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("DeploymentCannotBeChanged,", error.FullyQualifiedErrorId);
        Assert.Contains($"{published.Repository}:no-such-tag", error.ErrorDetails.Message);
        Assert.Contains("no tag 'no-such-tag'", error.ErrorDetails.Message);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public async Task A_tag_the_account_may_not_read_is_access_denied_naming_the_registry_before_any_change()
    {
        if (await BedAsync() is not { } bed)
        {
            return;
        }
        var project = NewProject("ps-tag-denied");
        const string foreign = "ps-tag-foreign";
        if (emulator.Host.State.FindProject(foreign) is null)
        {
            emulator.Host.State.AddProject(foreign, enabledServices: ProjectState.DefaultServices.Append("artifactregistry.googleapis.com"));
            lock (emulator.Host.State.Gate)
            {
                emulator.Host.State.ApiState<ArtifactRegistryState>().AddDockerRepository(foreign, Location, ImageRepository, DateTimeOffset.UtcNow);
            }
        }
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run(
            $"New-MlflowDeployment -ProjectId {project} -Region {Location} -Image {bed.RegistryHost}/{foreign}/{ImageRepository}/mlflow:3.1.0");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RegistryAccessDenied,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains($"registry {bed.RegistryHost}", error.ErrorDetails.Message);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public void An_unreachable_registry_is_a_connection_error_naming_it_before_any_change()
    {
        // Nothing listens on port 1.
        var project = NewProject("ps-tag-unreachable");

        var result = PowerShellRunner.Run($"New-MlflowDeployment -ProjectId {project} -Region {Location} -Image 127.0.0.1:1/{project}/mlflow/mlflow:3.1.0");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RegistryUnavailable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("127.0.0.1:1", error.ErrorDetails.Message);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public void A_malformed_image_is_refused_naming_the_parameter_before_any_call()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment -ProjectId ps-tag-malformed -Region {Location} -Image 'mlflow:3.1.0'");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-Image", error.ErrorDetails.Message);
        Assert.Contains("REGISTRY/PATH:TAG", error.ErrorDetails.Message);
        Assert.Empty(emulator.Host.Requests);
    }

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id, enabledServices: ProjectState.DefaultServices.Append("artifactregistry.googleapis.com"));
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        return id;
    }

    /// <summary>Builds the small image with the test bed's engine and pushes it under its content tag.</summary>
    private async Task<ImagePublishResult> PublishAsync(DockerTestBed bed, string project)
    {
        lock (emulator.Host.State.Gate)
        {
            // The registry's token service grants push only to an existing repository, as Artifact Registry does.
            emulator.Host.State.ApiState<ArtifactRegistryState>().AddDockerRepository(project, Location, ImageRepository, DateTimeOffset.UtcNow);
        }
        var request = new ImagePublishRequest(scratch.Context, bed.RegistryHost, project, ImageRepository, "mlflow");
        scratch.Track(request.RepositoryPath);
        var options = new ImagePublisherOptions(bed.EngineEndpoint, _ => Task.FromResult(DeployerToken()));
        var published = await new ImagePublisher(options).PublishAsync(request, CancellationToken.None);
        Assert.True(published.Pushed);
        return published;
    }

    /// <summary>Pushes the image tagged <paramref name="from"/> again under <paramref name="to"/>, as a release re-tag would.</summary>
    private async Task MoveTagAsync(DockerTestBed bed, string repository, string from, string to)
    {
        using var engine = new DockerClientBuilder().WithEndpoint(bed.EngineEndpoint).Build();
        await engine.Images.TagImageAsync($"{repository}:{from}", new ImageTagParameters { RepositoryName = repository, Tag = to });
        var auth = new AuthConfig { Username = RegistryClient.UserName, Password = DeployerToken(), ServerAddress = bed.RegistryHost };
        var errors = new List<string>();
        await engine.Images.PushImageAsync(repository, new ImagePushParameters { Tag = to }, auth,
            new Progress<JSONMessage>(m => { if (m.Error != null) lock (errors) errors.Add(m.Error.Message); }));
        Assert.Empty(errors);
    }

    private static string RepositoryPath(ImagePublishResult published) => published.Repository[(published.Repository.IndexOf('/') + 1)..];

    private string? VersionImage(string project, string versionId)
    {
        lock (emulator.Host.State.Gate)
        {
            var version = emulator.Host.State.ApiState<AppEngineState>().Apps[project].Services["default"].Versions[versionId];
            return (string?)version.Body["deployment"]?["container"]?["image"];
        }
    }

    private string DeployerToken() => scratch.DeployerToken();

    private Task<DockerTestBed?> BedAsync() => scratch.BedAsync(output);
}
