using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Registry;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// A Docker engine and a token-auth registry whose token service is the given emulator. The engine is the one
/// DOCKER_HOST or the platform default names when it answers, otherwise a private dockerd. Everything started here
/// is stopped and its files deleted on dispose.
/// </summary>
public sealed class DockerTestBed : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> started = new();
    private readonly string directory = Directory.CreateTempSubdirectory("ocm-images-").FullName;
    private TokenAuthRegistry? registry;
    private Uri? tokenService;

    private DockerTestBed()
    {
    }

    /// <summary>Why the engine tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    public Uri EngineEndpoint { get; private set; } = null!;

    /// <summary>How the engine was obtained, for the test output.</summary>
    public string EngineDescription { get; private set; } = "";

    /// <summary>True when the engine was already running: it keeps its data, so tests remove what they built.</summary>
    public bool SharedEngine { get; private set; }

    /// <summary>The registry's host:port.</summary>
    public string RegistryHost => registry!.Host;

    public static async Task<DockerTestBed> StartAsync(EmulatorHost emulator)
    {
        var bed = new DockerTestBed();
        try
        {
            await bed.StartAsync(emulator.BaseUri, emulator.State.ApiState<RegistryTokenSettings>());
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    public string RegistryLogTail() => registry?.LogTail() ?? "";

    /// <summary>
    /// What a registry client would see: the sha256 of the manifest bytes the registry serves under the tag, read
    /// with a pull token the emulator's token service grants for <paramref name="accessToken"/>.
    /// </summary>
    public async Task<string> ServedManifestDigestAsync(string accessToken, string name, string tag)
    {
        using var http = new HttpClient();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get,
            $"{tokenService}?service={TokenAuthRegistry.Service}&scope=repository:{name}:pull");
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("oauth2accesstoken:" + accessToken)));
        using var tokenResponse = await http.SendAsync(tokenRequest);
        tokenResponse.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        using var manifestRequest = new HttpRequestMessage(HttpMethod.Get, $"http://{RegistryHost}/v2/{name}/manifests/{tag}");
        manifestRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var manifest = await http.SendAsync(manifestRequest);
        if (!manifest.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET manifest: {(int)manifest.StatusCode}\n{RegistryLogTail()}");
        }
        var bytes = await manifest.Content.ReadAsByteArrayAsync();
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>The ids of the engine's images under <paramref name="repository"/> (any tag).</summary>
    public async Task<IReadOnlyList<string>> ImagesAsync(string repository)
    {
        using var client = new DockerClientBuilder().WithEndpoint(EngineEndpoint).Build();
        var found = await client.Images.ListImagesAsync(ReferenceFilter(repository));
        return found.Select(i => i.ID).ToList();
    }

    /// <summary>Removes every image of the given repositories from the engine (a shared engine keeps its data).</summary>
    public async Task RemoveImagesAsync(IEnumerable<string> repositories)
    {
        using var client = new DockerClientBuilder().WithEndpoint(EngineEndpoint).Build();
        foreach (var repository in repositories)
        {
            var found = await client.Images.ListImagesAsync(ReferenceFilter(repository));
            foreach (var image in found)
            {
                await client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
            }
        }
    }

    private static ImagesListParameters ReferenceFilter(string repository) => new()
    {
        Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository] = true } },
    };

    public async ValueTask DisposeAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAsync(Uri emulatorBase, RegistryTokenSettings tokenSettings)
    {
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
            SharedEngine = true;
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
        tokenService = new Uri(emulatorBase, "v2/token");
        registry = await TokenAuthRegistry.StartAsync(Directory.CreateDirectory(Path.Combine(directory, "r")).FullName, tokenService);
        started.Add(registry);
        tokenSettings.Configure(registry.SigningCertificate, TokenAuthRegistry.Service, TokenAuthRegistry.Issuer,
            new Uri("http://" + registry.Host));
    }
}
