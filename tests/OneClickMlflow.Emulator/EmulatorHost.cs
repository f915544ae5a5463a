using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneClickMlflow.Emulator.Admin;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator;

/// <summary>
/// A running emulator on a loopback port, in-process. Seeds the projects, issues a key for
/// <c>deployer@{first project}.iam.gserviceaccount.com</c> (roles/owner on every seeded project, and
/// roles/resourcemanager.organizationViewer on the default organization) and exposes the
/// environment a client needs (<see cref="Environment"/>, <see cref="WriteEnvFile"/>).
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string tempDirectory;

    private EmulatorHost(WebApplication app, EmulatorState state, Uri baseUri, string tempDirectory, string keyPath,
        IReadOnlyDictionary<string, string> environment)
    {
        this.app = app;
        this.tempDirectory = tempDirectory;
        State = state;
        BaseUri = baseUri;
        ServiceAccountKeyPath = keyPath;
        Environment = environment;
    }

    public Uri BaseUri { get; }

    /// <summary>What the env file exports: endpoint overrides, credentials, project, token host, EMULATOR_URL, IAP_PUBLIC_KEYS_URL.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The deployer's key file (in a temp directory deleted on dispose).</summary>
    public string ServiceAccountKeyPath { get; }

    public EmulatorState State { get; }

    public IReadOnlyList<RequestLogEntry> Requests => State.Requests.Snapshot();

    public void ClearRequests() => State.Requests.Clear();

    /// <summary>Every API request with both bodies, in arrival order; empty unless started with <see cref="EmulatorOptions.RecordExchanges"/>.</summary>
    public IReadOnlyList<Recording.Exchange> Exchanges => State.Exchanges.Snapshot();

    public void ClearExchanges() => State.Exchanges.Clear();

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        var state = new EmulatorState { AllowUnauthenticated = options.AllowUnauthenticated };
        state.Latency.Set(options.LatencyProfile, options.LatencyScale);
        state.Exchanges.Enabled = options.RecordExchanges;
        state.ApiState<Apis.IamState>().SimulatePropagationDelay = options.ServiceAccountPropagationDelay;
        state.ApiState<Apis.CloudSqlState>().MissingInstanceAnswers403 = options.SqlMissingInstanceAnswers403;
        state.ApiState<Apis.CloudSqlState>().ProducerHoldAfterDelete = options.SqlProducerHoldAfterDelete;
        state.ApiState<Apis.AppEngineState>().IapAudienceOptional = options.IapAudienceOptional;
        state.Tokens.LifetimeOverride = options.TokenLifetime;
        var projects = options.Projects.Count > 0 ? options.Projects.Distinct().ToList() : new List<string> { EmulatorOptions.DefaultProject };
        foreach (var projectId in projects)
        {
            state.AddProject(projectId, parent: options.ProjectsWithoutOrganization.Contains(projectId) ? EmulatorState.NoOrganization : EmulatorState.DefaultParent);
        }

        var apis = EmulatedApis.All();
        var app = BuildApp(options.Port, state, apis);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        state.BaseUri = baseUri;

        var deployer = $"deployer@{projects[0]}.iam.gserviceaccount.com";
        foreach (var projectId in projects)
        {
            state.Grant(projectId, "roles/owner", "serviceAccount:" + deployer);
        }
        // The deployer may read the default organization, as a deployer with roles/browser there can.
        state.GrantOnOrganization(EmulatorState.DefaultOrganizationId, "roles/resourcemanager.organizationViewer", "serviceAccount:" + deployer);
        state.MetadataServiceAccount = deployer;
        var tempDirectory = Directory.CreateTempSubdirectory("oneclickmlflow-emulator-").FullName;
        var keyPath = Path.Combine(tempDirectory, "deployer-key.json");
        await File.WriteAllTextAsync(keyPath, CredentialFiles.ServiceAccountKey(state, projects[0], deployer), ct);

        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["EMULATOR_URL"] = baseUri.ToString(),
            ["GOOGLE_APPLICATION_CREDENTIALS"] = keyPath,
            ["CLOUDSDK_CORE_PROJECT"] = projects[0],
            ["CLOUDSDK_AUTH_TOKEN_HOST"] = new Uri(baseUri, "oauth2/token").ToString(),
            // The module's serving override: an app's https://{host}/ is reached at {emulator}appspot/{host}/.
            [AppFrontDoor.EndpointOverrideVariable] = new Uri(baseUri, AppFrontDoor.PathPrefix + "/").ToString(),
            // For the server image under test: where the front door's signed-header keys are published.
            [GstaticApi.IapKeysUrlVariable] = new Uri(baseUri, $"{GstaticApi.PathPrefix}/{GstaticApi.IapKeysPath}").ToString(),
        };
        foreach (var api in apis.Select(a => a.Descriptor).Where(d => d.EndpointOverride is not null))
        {
            environment["CLOUDSDK_API_ENDPOINT_OVERRIDES_" + api.EndpointOverride!.ToUpperInvariant()] =
                new Uri(baseUri, api.PathPrefix + "/" + api.OverrideSuffix).ToString();
        }
        return new EmulatorHost(app, state, baseUri, tempDirectory, keyPath, environment);
    }

    /// <summary>Issues a service_account key file's JSON (token_uri = this emulator) and registers the account.</summary>
    public string IssueServiceAccountKey(string projectId, string email) =>
        CredentialFiles.ServiceAccountKey(State, projectId, email);

    /// <summary>Issues an authorized_user credential's JSON whose refresh token this emulator knows.</summary>
    public string IssueAuthorizedUser(string email) => CredentialFiles.AuthorizedUser(State, email);

    /// <summary>
    /// Writes <c>export NAME='value'</c> lines. The file appears atomically (written aside, then renamed), so a
    /// script can wait for it to exist.
    /// </summary>
    public void WriteEnvFile(string path)
    {
        var lines = Environment.Select(pair => $"export {pair.Key}='{pair.Value.Replace("'", "'\\''")}'");
        var temporary = path + ".tmp-" + System.Environment.ProcessId;
        File.WriteAllText(temporary, string.Join("\n", lines) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(tempDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static WebApplication BuildApp(int port, EmulatorState state, IReadOnlyList<IEmulatedApi> apis)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseEmulatorPipeline(state, apis.Select(a => a.Descriptor).ToList());
        app.MapAdmin(state);
        foreach (var api in apis)
        {
            api.Map(app, state);
        }
        app.MapFallback(context => EmulatorPipeline.WriteErrorAsync(context, GoogleApiError.UnknownUrl(context)));
        return app;
    }
}
