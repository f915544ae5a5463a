using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Tests.Images;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// One emulator for the cmdlet tests, with the process environment pointed at it the way a user's shell would
/// be after sourcing the env file. Tests that use it run one at a time (the environment is process-wide).
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string OwnedProject = "owned-project";

    private readonly Dictionary<string, string?> previous = new();
    private Task<DockerTestBed>? bed;

    public EmulatorHost Host { get; private set; } = null!;

    /// <summary>The principal the module runs as: the emulator's deployer service account.</summary>
    public string Deployer => $"serviceAccount:deployer@{OwnedProject}.iam.gserviceaccount.com";

    public async Task InitializeAsync()
    {
        Host = await EmulatorHost.StartAsync(new EmulatorOptions { Projects = { OwnedProject } });
        // TestImage's repository: public, as a shared image repository would be, so every test project's server may pull it.
        lock (Host.State.Gate)
        {
            Host.State.GetProject(OwnedProject).EnabledServices.Add(ArtifactRegistryApi.Service);
            Host.State.ApiState<ArtifactRegistryState>().AddDockerRepository(OwnedProject, "europe-west1", "mlflow", DateTimeOffset.UtcNow)
                .Policy.AddBinding("roles/artifactregistry.reader", "allUsers");
        }
        foreach (var (name, value) in Host.Environment)
        {
            previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>A Docker engine and a registry whose token service is this emulator, started on first use.</summary>
    public Task<DockerTestBed> DockerBedAsync()
    {
        lock (previous)
        {
            return bed ??= DockerTestBed.StartAsync(Host);
        }
    }

    public async Task DisposeAsync()
    {
        if (bed is not null)
        {
            await (await bed).DisposeAsync();
        }
        foreach (var (name, value) in previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "emulator";
}
