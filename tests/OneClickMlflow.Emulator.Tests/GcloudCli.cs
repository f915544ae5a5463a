using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI with its own temporary configuration, pointed at an emulator.</summary>
internal sealed class GcloudCli : IDisposable
{
    private readonly string configDirectory = Directory.CreateTempSubdirectory("gcloud-config-").FullName;
    private readonly Dictionary<string, string> environment;

    public GcloudCli(EmulatorHost host, params (string Key, string Value)[] extra)
    {
        environment = new Dictionary<string, string>(host.Environment)
        {
            ["CLOUDSDK_CONFIG"] = configDirectory,
            ["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1",
            ["CLOUDSDK_CORE_DISABLE_USAGE_REPORTING"] = "true",
            ["CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK"] = "true",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
    }

    /// <summary>gcloud's path, or null when it is not installed (the tests then say so and pass).</summary>
    public static string? Executable { get; } = ProcessRunner.FindOnPath("gcloud");

    /// <summary>True (and says so in the test output) when gcloud is not installed, so the test can return.</summary>
    public static bool Missing(ITestOutputHelper output)
    {
        if (Executable is null)
        {
            output.WriteLine("Skipped: gcloud is not on PATH.");
            return true;
        }
        return false;
    }

    public async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(Executable!, arguments, environment, TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"gcloud {string.Join(' ', arguments)} failed ({exitCode}): {stderr}");
        return stdout;
    }

    public void Dispose() => Directory.Delete(configDirectory, recursive: true);
}
