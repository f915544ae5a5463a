using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// One emulator and one <see cref="DockerTestBed"/> (engine + registry) for the whole test run; on dispose, the
/// images the tests built are removed from a shared engine and everything started is stopped, on failure too.
/// </summary>
public sealed class ImageHarness : IAsyncLifetime
{
    public const string Project = "proj-one";
    public const string Deployer = "deployer@proj-one.iam.gserviceaccount.com";
    public const string Repository = "mlflow";

    private readonly List<string> images = new();
    private DockerTestBed? bed;

    public EmulatorHost Emulator { get; private set; } = null!;

    public DockerTestBed Bed => bed!;

    public Uri EngineEndpoint => Bed.EngineEndpoint;

    public string RegistryHost => Bed.RegistryHost;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Projects = { Project } });
        // The token service grants push only to an existing repository, as Artifact Registry does.
        lock (Emulator.State.Gate)
        {
            Emulator.State.ApiState<ArtifactRegistryState>().AddDockerRepository(Project, "europe-west1", Repository, DateTimeOffset.UtcNow);
        }
        bed = await DockerTestBed.StartAsync(Emulator);
    }

    /// <summary>True (with the reason written) when the engine tests cannot run on this machine.</summary>
    public bool Skip(ITestOutputHelper output)
    {
        if (Bed.SkipReason is null)
        {
            output.WriteLine("Engine: " + Bed.EngineDescription);
            return false;
        }
        output.WriteLine("Skipped: " + Bed.SkipReason);
        return true;
    }

    /// <summary>A fresh access token of the deployer, as the emulator's token endpoint would issue it.</summary>
    public string AccessToken() => Emulator.State.Tokens.Issue(Principal.ServiceAccount(Deployer)).Token;

    /// <summary>Options for a publisher using this engine and the deployer's tokens, writing what it reports to <paramref name="log"/>.</summary>
    public ImagePublisherOptions PublisherOptions(Func<CancellationToken, Task<string>>? accessToken = null, List<string>? log = null)
    {
        return new ImagePublisherOptions(EngineEndpoint, accessToken ?? (_ => Task.FromResult(AccessToken())))
        {
            Verbose = line => { if (log is not null) lock (log) log.Add(line); },
            Progress = progress => { if (log is not null) lock (log) log.Add($"[{progress.Stage}] {progress.Status} {progress.PercentComplete}"); },
        };
    }

    /// <summary>A request for a new image name (so tests never share tags) in this registry.</summary>
    public ImagePublishRequest Request(string contextDirectory, string mlflowVersion = "2.22.0")
    {
        var request = new ImagePublishRequest(contextDirectory, RegistryHost, Project, Repository, "t" + Guid.NewGuid().ToString("N")[..10], mlflowVersion);
        lock (images)
        {
            images.Add(request.ImageRepository);
        }
        return request;
    }

    public string RegistryLogTail() => Bed.RegistryLogTail();

    public async Task DisposeAsync()
    {
        if (bed is not null)
        {
            if (bed.SkipReason is null && bed.SharedEngine)
            {
                await bed.RemoveImagesAsync(images);
            }
            await bed.DisposeAsync();
        }
        await Emulator.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ImageHarnessCollection : ICollectionFixture<ImageHarness>
{
    public const string Name = "Docker engine and registry";
}
