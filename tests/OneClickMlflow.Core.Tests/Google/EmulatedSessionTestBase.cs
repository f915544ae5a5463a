using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>An in-process emulator per test class, and sessions built from its environment over real HTTP.</summary>
public abstract class EmulatedSessionTestBase : IAsyncLifetime
{
    protected const string Project = "proj-one";
    protected const string Deployer = "deployer@proj-one.iam.gserviceaccount.com";

    protected EmulatorHost Host { get; private set; } = null!;

    /// <summary>An empty gcloud configuration directory, so the machine's own configuration is never read.</summary>
    protected string ConfigDirectory { get; private set; } = "";

    protected List<string> DebugLines { get; } = new();

    /// <summary>Whether the emulator keeps each request's body (<see cref="EmulatorHost.Exchanges"/>), for tests of what was sent.</summary>
    protected virtual bool RecordExchanges => false;

    public async Task InitializeAsync()
    {
        Host = await EmulatorHost.StartAsync(new EmulatorOptions { Projects = { Project }, RecordExchanges = RecordExchanges });
        ConfigDirectory = Directory.CreateTempSubdirectory("oneclickmlflow-gcloud-").FullName;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(ConfigDirectory, recursive: true);
    }

    /// <summary>The emulator's environment (key file, overrides, project) with an isolated CLOUDSDK_CONFIG.</summary>
    protected Dictionary<string, string> EmulatorEnvironment()
    {
        var environment = new Dictionary<string, string>(Host.Environment) { ["CLOUDSDK_CONFIG"] = ConfigDirectory };
        return environment;
    }

    protected static RetrySettings FastRetries() => new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(30),
    };

    protected Task<GoogleCloudSession> SessionAsync(IReadOnlyDictionary<string, string>? environment = null,
        Action<GoogleCloudSessionOptions>? configure = null)
    {
        var options = new GoogleCloudSessionOptions
        {
            Environment = environment ?? EmulatorEnvironment(),
            HostVersion = "PowerShell/7.6.9",
            Retry = FastRetries(),
            PollSchedule = new PollSchedule { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
            Log = line => { lock (DebugLines) { DebugLines.Add(line); } },
        };
        configure?.Invoke(options);
        return GoogleCloudSession.CreateAsync(options, CancellationToken.None);
    }

    /// <summary>Requests the emulator logged whose path contains <paramref name="pathPart"/>.</summary>
    protected IReadOnlyList<RequestLogEntry> RequestsTo(string pathPart) =>
        Host.Requests.Where(r => r.Path.Contains(pathPart, StringComparison.Ordinal)).ToList();

    protected async Task AddFaultAsync(string json)
    {
        using var http = new HttpClient { BaseAddress = Host.BaseUri };
        using var response = await http.PostAsync("_emulator/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Registers a service account of the project holding <paramref name="role"/> on it; returns its email.</summary>
    protected string AddServiceAccountWithRole(string accountId, string role)
    {
        var email = $"{accountId}@{Project}.iam.gserviceaccount.com";
        Host.State.AddServiceAccount(email, Project);
        Host.State.Grant(Project, role, "serviceAccount:" + email);
        return email;
    }

    /// <summary>A session whose GOOGLE_APPLICATION_CREDENTIALS names a file with <paramref name="json"/>.</summary>
    protected Task<GoogleCloudSession> SessionWithCredentialFileAsync(string json, params (string Name, string Value)[] variables)
    {
        var environment = EmulatorEnvironment();
        environment["GOOGLE_APPLICATION_CREDENTIALS"] = WriteTempFile(Path.GetRandomFileName() + ".json", json);
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }
        return SessionAsync(environment);
    }

    /// <summary>Reads the project and returns the principal the emulator saw making the call.</summary>
    protected async Task<string?> PrincipalReadingProjectAsync(GoogleCloudSession session)
    {
        await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);
        return RequestsTo("/v1/projects/" + Project).Last().Principal;
    }

    protected string WriteTempFile(string name, string content)
    {
        var path = Path.Combine(ConfigDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
