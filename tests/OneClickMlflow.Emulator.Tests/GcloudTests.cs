using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

/// <summary>The real gcloud CLI, pointed at the emulator with endpoint overrides, sees what Google would show.</summary>
public sealed class GcloudTests : EmulatorTestBase, IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string configDirectory = Directory.CreateTempSubdirectory("gcloud-config-").FullName;
    private readonly string? gcloud = ProcessRunner.FindOnPath("gcloud");

    public GcloudTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    public void Dispose() => Directory.Delete(configDirectory, recursive: true);

    private Dictionary<string, string> GcloudEnvironment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>(Host.Environment)
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
        return environment;
    }

    private async Task<string> GcloudAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(gcloud!, arguments, environment, TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"gcloud {string.Join(' ', arguments)} failed ({exitCode}): {stderr}");
        return stdout;
    }

    private bool GcloudMissing()
    {
        if (gcloud is null)
        {
            output.WriteLine("Skipped: gcloud is not on PATH.");
            return true;
        }
        return false;
    }

    [Fact]
    public async Task Gcloud_with_the_issued_key_enables_lists_and_edits_iam_through_the_emulator()
    {
        if (GcloudMissing())
        {
            return;
        }
        var environment = GcloudEnvironment();
        await GcloudAsync(environment, "auth", "activate-service-account", "--key-file", Host.ServiceAccountKeyPath);

        await GcloudAsync(environment, "services", "enable", "sqladmin.googleapis.com");
        var enabled = JsonNode.Parse(await GcloudAsync(environment, "services", "list", "--enabled", "--format=json"))!.AsArray();
        var policy = JsonNode.Parse(await GcloudAsync(environment, "projects", "get-iam-policy", Project, "--format=json"))!;
        await GcloudAsync(environment, "projects", "add-iam-policy-binding", Project,
            "--member=user:a@example.com", "--role=roles/viewer", "--format=json");

        var number = Host.State.GetProject(Project).ProjectNumber;
        Assert.Contains(enabled, s => s!["name"]!.GetValue<string>() == $"projects/{number}/services/sqladmin.googleapis.com");
        Assert.Contains("sqladmin.googleapis.com", Host.State.GetProject(Project).EnabledServices);
        Assert.Contains(policy["bindings"]!.AsArray(), b => b!["role"]!.GetValue<string>() == "roles/owner"
            && b["members"]!.AsArray().Any(m => m!.GetValue<string>() == "serviceAccount:deployer@mlflow-demo.iam.gserviceaccount.com"));
        Assert.Contains("roles/viewer", Host.State.GetProject(Project).Policy.RolesOf("user:a@example.com"));
        Assert.Contains(Host.Requests, r => r.Path == "/oauth2/token" && r.Status == 200);
        Assert.All(Host.Requests.Where(r => r.Api == "serviceusage"),
            r => Assert.Equal("deployer@mlflow-demo.iam.gserviceaccount.com", r.Principal));
    }
}

/// <summary>gcloud with auth/disable_credentials works only when the emulator's leniency switch is on.</summary>
public sealed class GcloudWithoutCredentialsTests : EmulatorTestBase, IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string configDirectory = Directory.CreateTempSubdirectory("gcloud-config-").FullName;
    private readonly string? gcloud = ProcessRunner.FindOnPath("gcloud");

    public GcloudWithoutCredentialsTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    protected override EmulatorOptions Options() => new() { AllowUnauthenticated = true };

    public void Dispose() => Directory.Delete(configDirectory, recursive: true);

    [Fact]
    public async Task Gcloud_without_credentials_reaches_an_emulator_that_allows_it()
    {
        if (gcloud is null)
        {
            output.WriteLine("Skipped: gcloud is not on PATH.");
            return;
        }
        var environment = new Dictionary<string, string>(Host.Environment)
        {
            ["CLOUDSDK_CONFIG"] = configDirectory,
            ["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1",
            ["CLOUDSDK_AUTH_DISABLE_CREDENTIALS"] = "true",
        };

        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(gcloud,
            new[] { "projects", "describe", Project, "--format=json" }, environment, TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(Host.State.GetProject(Project).ProjectNumber.ToString(), JsonNode.Parse(stdout)!["projectNumber"]!.GetValue<string>());
        Assert.Null(Host.Requests.Single(r => r.Api == "cloudresourcemanager").Principal);
    }
}
