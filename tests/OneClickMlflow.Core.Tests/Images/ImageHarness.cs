using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Registry;
using OneClickMlflow.Images;
using OneClickMlflow.Prerequisites;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// One Docker engine, one token-auth registry and one emulator (the registry's token service) for the whole test
/// run. The engine is the one DOCKER_HOST or the platform default names when it answers, otherwise a private
/// dockerd; everything started here is stopped and deleted on dispose, on failure too.
/// </summary>
public sealed class ImageHarness : IAsyncLifetime
{
    public const string Project = "proj-one";
    public const string Deployer = "deployer@proj-one.iam.gserviceaccount.com";

    private readonly List<IAsyncDisposable> started = new();
    private readonly List<string> images = new();
    private string directory = "";
    private TokenAuthRegistry? registry;

    /// <summary>Why the engine tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    public EmulatorHost Emulator { get; private set; } = null!;

    public Uri EngineEndpoint { get; private set; } = null!;

    /// <summary>The registry's host:port.</summary>
    public string RegistryHost => registry!.Host;

    /// <summary>How the engine was obtained, for the test output.</summary>
    public string EngineDescription { get; private set; } = "";

    public async Task InitializeAsync()
    {
        directory = Directory.CreateTempSubdirectory("ocm-images-").FullName;
        Emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Projects = { Project } });
        SkipReason = TokenAuthRegistry.CannotStartReason();
        if (SkipReason is not null)
        {
            return;
        }
        var existing = await new DockerEngineProbe().ProbeAsync(CancellationToken.None);
        if (existing.Available)
        {
            EngineEndpoint = DockerEngineProbe.EngineEndpoint(OneClickMlflow.Google.GoogleCloudSession.ProcessEnvironment());
            EngineDescription = $"existing engine at {EngineEndpoint}: {existing.Status}";
        }
        else
        {
            SkipReason = PrivateDockerd.CannotStartReason();
            if (SkipReason is not null)
            {
                return;
            }
            var dockerd = await PrivateDockerd.StartAsync(Directory.CreateDirectory(Path.Combine(directory, "d")).FullName);
            started.Add(dockerd);
            EngineEndpoint = dockerd.Endpoint;
            EngineDescription = $"private dockerd at {EngineEndpoint}";
        }
        registry = await TokenAuthRegistry.StartAsync(Directory.CreateDirectory(Path.Combine(directory, "r")).FullName,
            new Uri(Emulator.BaseUri, "v2/token"));
        started.Add(registry);
        Emulator.State.ApiState<RegistryTokenSettings>().Configure(registry.SigningCertificate, TokenAuthRegistry.Service, TokenAuthRegistry.Issuer);
    }

    /// <summary>True (with the reason written) when the engine tests cannot run on this machine.</summary>
    public bool Skip(ITestOutputHelper output)
    {
        if (SkipReason is null)
        {
            output.WriteLine("Engine: " + EngineDescription);
            return false;
        }
        output.WriteLine("Skipped: " + SkipReason);
        return true;
    }

    /// <summary>A fresh access token of the deployer, as the emulator's token endpoint would issue it.</summary>
    public string AccessToken() => Emulator.State.Tokens.Issue(Principal.ServiceAccount(Deployer)).Token;

    /// <summary>Options for a publisher using this engine and the deployer's tokens; the repository is removed from the engine at the end.</summary>
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
        var request = new ImagePublishRequest(contextDirectory, RegistryHost, Project, "mlflow", "t" + Guid.NewGuid().ToString("N")[..10], mlflowVersion);
        lock (images)
        {
            images.Add(request.ImageRepository);
        }
        return request;
    }

    public string RegistryLogTail() => registry?.LogTail() ?? "";

    public async Task DisposeAsync()
    {
        if (SkipReason is null && started.Count == 1)
        {
            await RemoveTestImagesAsync(); // An existing engine keeps its data: remove what the tests built.
        }
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RemoveTestImagesAsync()
    {
        using var client = new DockerClientBuilder().WithEndpoint(EngineEndpoint).Build();
        foreach (var repository in images)
        {
            var found = await client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository] = true } },
            });
            foreach (var image in found)
            {
                await client.Images.DeleteImageAsync(image.ID, new Docker.DotNet.Models.ImageDeleteParameters { Force = true });
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ImageHarnessCollection : ICollectionFixture<ImageHarness>
{
    public const string Name = "Docker engine and registry";
}
