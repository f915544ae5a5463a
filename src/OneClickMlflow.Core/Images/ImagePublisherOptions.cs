using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Images
{
    /// <summary>Where the engine is, how to get a Google access token, and where progress and engine messages go.</summary>
    public sealed class ImagePublisherOptions
    {
        public ImagePublisherOptions(Uri engineEndpoint, Func<CancellationToken, Task<string>> accessToken)
        {
            EngineEndpoint = engineEndpoint;
            AccessToken = accessToken;
        }

        /// <summary>DOCKER_HOST or the platform default (<see cref="Prerequisites.DockerEngineProbe.EngineEndpoint"/>).</summary>
        public Uri EngineEndpoint { get; }

        /// <summary>A Google access token: the registry password, for the tag check and for the engine's push.</summary>
        public Func<CancellationToken, Task<string>> AccessToken { get; }

        /// <summary>The client for the Registry v2 API; null uses a client of its own.</summary>
        public HttpClient? RegistryHttpClient { get; set; }

        public Action<ImagePublishProgress>? Progress { get; set; }

        /// <summary>The engine's own messages (build step output, push status lines).</summary>
        public Action<string>? Verbose { get; set; }
    }
}
