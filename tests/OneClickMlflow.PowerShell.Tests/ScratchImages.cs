using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Tests.Images;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>
/// A small FROM-scratch build context for the fixture's Docker test bed, and the images pushed from it: on dispose
/// the context is deleted and, from an engine that keeps its data, the images too.
/// </summary>
internal sealed class ScratchImages : IDisposable
{
    private readonly EmulatorFixture emulator;
    private readonly List<string> pushed = new();

    public ScratchImages(EmulatorFixture emulator, string content = "hello")
    {
        this.emulator = emulator;
        Context = Directory.CreateTempSubdirectory("ocm-scratch-").FullName;
        File.WriteAllText(Path.Combine(Context, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        File.WriteAllText(Path.Combine(Context, "hello.txt"), content);
    }

    /// <summary>The build context directory.</summary>
    public string Context { get; }

    /// <summary>Remembers PROJECT/REPOSITORY/IMAGE (no registry host) for removal.</summary>
    public void Track(string repositoryPath) => pushed.Add(repositoryPath);

    /// <summary>The test bed, or null (with the reason written) when the engine tests cannot run on this machine.</summary>
    public async Task<DockerTestBed?> BedAsync(ITestOutputHelper output)
    {
        var bed = await emulator.DockerBedAsync();
        if (bed.SkipReason is null)
        {
            return bed;
        }
        output.WriteLine("Skipped: " + bed.SkipReason);
        return null;
    }

    /// <summary>A fresh access token of the module's deployer, as the emulator's token endpoint issues it.</summary>
    public string DeployerToken() =>
        emulator.Host.State.Tokens.Issue(Principal.ServiceAccount($"deployer@{EmulatorFixture.OwnedProject}.iam.gserviceaccount.com")).Token;

    public void Dispose()
    {
        Directory.Delete(Context, recursive: true);
        var bed = emulator.DockerBedAsync().GetAwaiter().GetResult();
        if (pushed.Count > 0 && bed.SkipReason is null && bed.SharedEngine)
        {
            bed.RemoveImagesAsync(pushed.Select(i => $"{bed.RegistryHost}/{i}")).GetAwaiter().GetResult();
        }
    }
}
