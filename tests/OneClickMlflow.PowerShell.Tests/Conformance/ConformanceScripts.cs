using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Recording;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Conformance;

/// <summary>What a conformance script printed: one finding per line on stdout, its summary on stderr.</summary>
internal sealed record ConformanceOutcome(int ExitCode, IReadOnlyList<string> Findings, string Summary)
{
    /// <summary>The findings and the summary, as an assertion message shows them.</summary>
    public string Report => string.Join("\n", Findings.Prepend($"exit code {ExitCode}").Append(Summary.Trim()));
}

/// <summary>
/// Runs tests/Conformance/*.py (copied next to the tests) with gcloud's bundled Python and its generated clients:
/// check_exchanges.py over recorded exchanges, gcloud_forms.py against an emulator.
/// </summary>
internal sealed class ConformanceScripts
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly string python;
    private readonly string sdkLib;
    private readonly string scripts = Path.Combine(AppContext.BaseDirectory, "Conformance");

    private ConformanceScripts(string python, string sdkLib)
    {
        this.python = python;
        this.sdkLib = sdkLib;
    }

    /// <summary>The scripts with gcloud's Python, or null (said in the test output) when gcloud is not installed.</summary>
    public static ConformanceScripts? Find(ITestOutputHelper output)
    {
        if (GcloudCli.Missing(output))
        {
            return null;
        }
        var gcloud = new FileInfo(GcloudCli.Executable!);
        var target = gcloud.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? gcloud.FullName;
        var sdk = Path.GetDirectoryName(Path.GetDirectoryName(target))!;
        var bundled = Path.Combine(sdk, "platform", "bundledpythonunix", "bin", "python3");
        var python = File.Exists(bundled)
            ? bundled
            : Environment.GetEnvironmentVariable("CLOUDSDK_PYTHON") ?? ProcessRunner.FindOnPath("python3");
        if (python is null)
        {
            output.WriteLine($"Skipped: gcloud at {sdk} has no bundled Python and no python3 is on PATH.");
            return null;
        }
        return new ConformanceScripts(python, Path.Combine(sdk, "lib"));
    }

    /// <summary>
    /// A recording emulator whose operations take a little time (real durations scaled down), so clients poll them
    /// and the polls are checked too.
    /// </summary>
    public static EmulatorOptions RecordingOptions(string project) => new()
    {
        Projects = { project },
        RecordExchanges = true,
        LatencyProfile = "realistic",
        LatencyScale = 0.001,
    };

    /// <summary>Checks exchanges (the emulator's recording, or crafted ones) against Google's definitions.</summary>
    public Task<ConformanceOutcome> CheckAsync(IEnumerable<Exchange> exchanges) =>
        CheckJsonAsync(ExchangeLog.ToJson(exchanges).ToJsonString());

    public async Task<ConformanceOutcome> CheckJsonAsync(string exchangesJson)
    {
        var file = Path.Combine(Path.GetTempPath(), $"exchanges-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, exchangesJson);
        try
        {
            return await RunAsync(new[] { "check_exchanges.py", file, "--sdk-lib", sdkLib }, new Dictionary<string, string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Sends gcloud's own request forms for every operation the module uses into <paramref name="project"/>.</summary>
    public Task<ConformanceOutcome> SendGcloudFormsAsync(EmulatorHost host, string project) =>
        RunAsync(new[] { "gcloud_forms.py", project }, new Dictionary<string, string>(host.Environment));

    private async Task<ConformanceOutcome> RunAsync(string[] arguments, Dictionary<string, string> environment)
    {
        environment["PYTHONPATH"] = string.Join(Path.PathSeparator, scripts, sdkLib, Path.Combine(sdkLib, "third_party"));
        environment["PYTHONDONTWRITEBYTECODE"] = "1";
        var script = arguments.Select((a, i) => i == 0 ? Path.Combine(scripts, a) : a);
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(python, script, environment, Timeout);
        var findings = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ConformanceOutcome(exitCode, findings, stderr);
    }
}
