using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace OneClickMlflow.Prerequisites
{
    /// <summary>Whether a Docker engine answers, and its version or why not.</summary>
    public sealed class DockerProbeResult
    {
        public DockerProbeResult(bool available, string status)
        {
            Available = available;
            Status = status;
        }

        public bool Available { get; }

        /// <summary>The engine version when available, otherwise the reason.</summary>
        public string Status { get; }
    }

    public interface IDockerProbe
    {
        Task<DockerProbeResult> ProbeAsync(CancellationToken cancellationToken);
    }

    /// <summary>Asks the Docker engine (DOCKER_HOST or the platform's default socket) for its version, within 3 seconds.</summary>
    public sealed class DockerEngineProbe : IDockerProbe
    {
        private readonly Uri endpoint;

        public DockerEngineProbe(IReadOnlyDictionary<string, string>? environment = null)
        {
            endpoint = EngineEndpoint(environment ?? Google.GoogleCloudSession.ProcessEnvironment());
        }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

        public Uri Endpoint => endpoint;

        public static Uri EngineEndpoint(IReadOnlyDictionary<string, string> environment)
        {
            if (environment.TryGetValue("DOCKER_HOST", out var host) && !string.IsNullOrWhiteSpace(host))
            {
                return new Uri(host);
            }
            return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? new Uri("npipe://./pipe/docker_engine")
                : new Uri("unix:///var/run/docker.sock");
        }

        public async Task<DockerProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                using var client = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(Timeout).Build();
                var version = await client.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
                return new DockerProbeResult(true, $"Docker {version.Version} (API {version.APIVersion}, {version.Os}/{version.Arch})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new DockerProbeResult(false, $"No answer from the Docker engine at {endpoint} within {Timeout.TotalSeconds:0} s.");
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                return new DockerProbeResult(false, $"Docker engine at {endpoint} unreachable: {e.GetBaseException().Message}");
            }
        }
    }
}
