using System;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// Whether the Docker engine can build the platform App Engine and Cloud Run run (linux/amd64): a Linux engine is
    /// needed; one of another architecture builds amd64 only where its RUN steps can execute through emulation, and an
    /// engine that ignored the platform is caught by the built image's own architecture.
    /// </summary>
    internal sealed class EnginePlatform
    {
        private readonly Uri endpoint;
        private readonly string wanted;
        private readonly string engineArchitecture;

        private EnginePlatform(Uri endpoint, string wanted, string engineArchitecture)
        {
            this.endpoint = endpoint;
            this.wanted = wanted;
            this.engineArchitecture = engineArchitecture;
        }

        public static async Task<EnginePlatform> ReadAsync(DockerClient engine, Uri endpoint, string wanted, CancellationToken cancellationToken)
        {
            var version = await engine.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var wantedOs = wanted.Split('/')[0];
            if (!string.Equals(version.Os, wantedOs, StringComparison.OrdinalIgnoreCase))
            {
                throw new ImagePublishException(ImagePublishStage.Engine,
                    $"The Docker engine at {endpoint} runs {version.Os} containers, and the server image must be {wanted} (App Engine and " +
                    "Cloud Run run x86-64 Linux). Switch the engine to Linux containers, or pass -Image with an image built elsewhere.");
            }
            return new EnginePlatform(endpoint, wanted, version.Arch ?? "");
        }

        /// <summary>Refuses an image the engine built for another platform than the one asked (an engine that ignored it).</summary>
        public async Task CheckBuiltAsync(DockerClient engine, string reference, CancellationToken cancellationToken)
        {
            var image = await engine.Images.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
            var built = $"{image.Os}/{image.Architecture}";
            if (!string.Equals(built, wanted, StringComparison.OrdinalIgnoreCase))
            {
                throw new ImagePublishException(ImagePublishStage.Build,
                    $"The Docker engine at {endpoint} built {reference} for {built}, not {wanted}: App Engine and Cloud Run could not run it. " +
                    "Use an engine that builds for another platform (Docker 17.07 or later), or pass -Image with an image built for " + wanted + ".");
            }
        }

        /// <summary>What to do when a build step could not run because the engine's architecture is not the target's.</summary>
        public string Hint(string buildError) =>
            buildError.IndexOf("exec format error", StringComparison.OrdinalIgnoreCase) >= 0
                ? $" The engine runs on {engineArchitecture} and cannot execute {wanted} build steps: install amd64 emulation for it " +
                  "(docker run --privileged --rm tonistiigi/binfmt --install amd64), build on an x86-64 machine, or pass -Image."
                : "";
    }
}
