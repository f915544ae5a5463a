using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// Opens a Docker engine client at the highest API version both sides speak: an unversioned GET /version gives
    /// the engine's ApiVersion, and the client then pins min(<see cref="ClientMaxApiVersion"/>, engine). Debian's
    /// Docker 20.10 speaks 1.41; Docker 29 refuses clients below 1.44, so no fixed version serves both.
    /// </summary>
    public static class DockerEngineConnector
    {
        /// <summary>The newest Engine API the Docker.DotNet.Enhanced models were generated from (Docker 29).</summary>
        public static readonly Version ClientMaxApiVersion = new Version(1, 52);

        public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(10);

        public static async Task<DockerClient> ConnectAsync(Uri endpoint, Action<string>? verbose, CancellationToken cancellationToken)
        {
            var engineVersion = await EngineApiVersionAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var negotiated = Negotiate(engineVersion);
            verbose?.Invoke($"Docker engine at {endpoint} speaks API {engineVersion}; using API {negotiated}.");
            return new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(negotiated).Build();
        }

        public static Version Negotiate(Version engineApiVersion) =>
            engineApiVersion < ClientMaxApiVersion ? engineApiVersion : ClientMaxApiVersion;

        private static async Task<Version> EngineApiVersionAsync(Uri endpoint, CancellationToken cancellationToken)
        {
            // The transport's own error for a missing socket file is an unhelpful "Cannot assign requested address".
            if (endpoint.Scheme == "unix" && !System.IO.File.Exists(endpoint.LocalPath))
            {
                throw new ImagePublishException(ImagePublishStage.Engine,
                    $"Cannot reach the Docker engine at {endpoint}: no socket at {endpoint.LocalPath}.");
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                using var probe = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(ConnectTimeout).Build();
                var version = await probe.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
                if (!Version.TryParse(version.APIVersion, out var parsed))
                {
                    throw new ImagePublishException(ImagePublishStage.Engine,
                        $"The Docker engine at {endpoint} reported an unreadable API version '{version.APIVersion}'.");
                }
                return parsed;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ImagePublishException(ImagePublishStage.Engine,
                    string.Format(CultureInfo.InvariantCulture, "No answer from the Docker engine at {0} within {1:0} s.", endpoint, ConnectTimeout.TotalSeconds));
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !(e is ImagePublishException))
            {
                throw new ImagePublishException(ImagePublishStage.Engine,
                    $"Cannot reach the Docker engine at {endpoint}: {e.GetBaseException().Message.TrimEnd('.')}.", e);
            }
        }
    }
}
