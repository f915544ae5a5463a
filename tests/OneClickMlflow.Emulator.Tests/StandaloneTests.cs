using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The emulator run as its own process, as scripts and the demo use it.</summary>
public sealed class StandaloneTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("emulator-standalone-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private Process Start(params string[] arguments)
    {
        var dll = typeof(EmulatorHost).Assembly.Location;
        var info = ProcessRunner.StartInfo("dotnet", new[] { dll }.Concat(arguments), new Dictionary<string, string>());
        return Process.Start(info)!;
    }

    private static async Task<Dictionary<string, string>> WaitForEnvFileAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The env file never appeared.");
            await Task.Delay(100);
        }
        var lines = await File.ReadAllLinesAsync(path);
        Assert.All(lines, line => Assert.Matches(@"^export [A-Z_]+='[^']*'$", line));
        return lines.ToDictionary(
            line => line["export ".Length..line.IndexOf('=')],
            line => line[(line.IndexOf('=') + 2)..^1]);
    }

    [Fact]
    public async Task Writes_the_env_file_serves_and_exits_cleanly_when_stdin_closes()
    {
        var envFile = Path.Combine(directory, "emulator.env");
        using var process = Start("--port", "0", "--env-file", envFile, "--project", "first-project", "--project", "second-project", "--exit-on-stdin-close");

        var environment = await WaitForEnvFileAsync(envFile);
        var listening = await process.StandardOutput.ReadLineAsync();
        var url = environment["EMULATOR_URL"];
        using var http = new HttpClient();
        var certs = await http.GetAsync(url + "oauth2/v3/certs");
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Matches(@"^http://127\.0\.0\.1:\d+/$", url);
        Assert.Equal($"emulator listening on {url}", listening);
        Assert.Equal("first-project", environment["CLOUDSDK_CORE_PROJECT"]);
        Assert.Equal(url + "serviceusage/", environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE"]);
        Assert.Equal(url + "cloudresourcemanager/", environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER"]);
        Assert.Equal(url + "iamcredentials/", environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS"]);
        Assert.Equal(url + "oauth2/token", environment["CLOUDSDK_AUTH_TOKEN_HOST"]);
        Assert.False(environment.ContainsKey("GCE_METADATA_HOST"));
        Assert.True(File.Exists(environment["GOOGLE_APPLICATION_CREDENTIALS"]) || process.HasExited);
        Assert.Equal(System.Net.HttpStatusCode.OK, certs.StatusCode);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Exits_with_code_zero_on_sigterm()
    {
        var envFile = Path.Combine(directory, "term.env");
        using var process = Start("--port", "0", "--env-file", envFile);
        await WaitForEnvFileAsync(envFile);

        using var kill = Process.Start("kill", new[] { "-TERM", process.Id.ToString() })!;
        await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Default_project_is_mlflow_demo_and_the_key_belongs_to_its_deployer()
    {
        var envFile = Path.Combine(directory, "default.env");
        using var process = Start("--port", "0", "--env-file", envFile, "--exit-on-stdin-close");

        var environment = await WaitForEnvFileAsync(envFile);
        var key = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(environment["GOOGLE_APPLICATION_CREDENTIALS"]))!;
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("mlflow-demo", environment["CLOUDSDK_CORE_PROJECT"]);
        Assert.Equal("service_account", key["type"]!.GetValue<string>());
        Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", key["client_email"]!.GetValue<string>());
        Assert.Equal(environment["EMULATOR_URL"] + "oauth2/token", key["token_uri"]!.GetValue<string>());
    }
}
