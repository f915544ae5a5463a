using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// Builds a context directory into an image tagged with its content (<see cref="ContentTag"/>) and pushes it,
    /// unless the registry already has that tag: then nothing is built or pushed. The result pins the digest the
    /// registry serves.
    /// </summary>
    public sealed class ImagePublisher
    {
        private readonly ImagePublisherOptions options;

        public ImagePublisher(ImagePublisherOptions options)
        {
            this.options = options;
        }

        public async Task<ImagePublishResult> PublishAsync(ImagePublishRequest request, CancellationToken cancellationToken)
        {
            var files = BuildContextFiles.Enumerate(request.ContextDirectory);
            var tag = ContentTag.Compute(files, new Dictionary<string, string>(request.BuildArguments), request.MlflowVersion, request.Platform);
            var repository = request.ImageRepository;
            var http = options.RegistryHttpClient ?? new HttpClient();
            try
            {
                var registry = new RegistryClient(http, options.AccessToken);
                Report("Checking registry", $"Looking for {repository}:{tag}");
                var existing = await registry.ManifestDigestAsync(request.RegistryHost, request.RepositoryPath, tag, cancellationToken).ConfigureAwait(false);
                if (existing != null)
                {
                    options.Verbose?.Invoke($"{repository}:{tag} is already in the registry ({existing}); nothing to build or push.");
                    return new ImagePublishResult(repository, tag, existing, built: false, pushed: false);
                }

                using var engine = await DockerEngineConnector.ConnectAsync(options.EngineEndpoint, options.Verbose, cancellationToken).ConfigureAwait(false);
                var platform = await EnginePlatform.ReadAsync(engine, options.EngineEndpoint, request.Platform, cancellationToken).ConfigureAwait(false);
                var built = false;
                if (!await HasLocalImageAsync(engine, repository + ":" + tag, cancellationToken).ConfigureAwait(false))
                {
                    await BuildAsync(engine, request, files, repository + ":" + tag, platform, cancellationToken).ConfigureAwait(false);
                    built = true;
                }
                await platform.CheckBuiltAsync(engine, repository + ":" + tag, cancellationToken).ConfigureAwait(false);
                await PushAsync(engine, request.RegistryHost, repository, tag, cancellationToken).ConfigureAwait(false);
                var digest = await registry.ManifestDigestAsync(request.RegistryHost, request.RepositoryPath, tag, cancellationToken).ConfigureAwait(false)
                    ?? throw new ImagePublishException(ImagePublishStage.Push, $"The engine pushed {repository}:{tag} but the registry does not list it.");
                return new ImagePublishResult(repository, tag, digest, built, pushed: true);
            }
            finally
            {
                if (options.RegistryHttpClient == null)
                {
                    http.Dispose();
                }
            }
        }

        private static async Task<bool> HasLocalImageAsync(DockerClient engine, string reference, CancellationToken cancellationToken)
        {
            try
            {
                await engine.Images.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }

        private async Task BuildAsync(DockerClient engine, ImagePublishRequest request, IReadOnlyList<BuildContextFile> files,
            string reference, EnginePlatform platform, CancellationToken cancellationToken)
        {
            var parameters = new ImageBuildParameters
            {
                Tags = new List<string> { reference },
                Platform = request.Platform,
                Dockerfile = request.Dockerfile,
                BuildArgs = request.AllBuildArguments().ToDictionary(a => a.Key, a => a.Value),
                Remove = true,
                ForceRemove = true,
            };
            var messages = new EngineMessages("Building", reference, Report, options.Verbose);
            Report("Building", $"Sending {files.Count} context files for {reference}");
            using var context = new BuildContextTarStream(files);
            try
            {
                await engine.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, messages, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                throw new ImagePublishException(ImagePublishStage.Build, $"Building {reference} failed: {EngineMessages.ApiError(e)}", e);
            }
            if (messages.Error != null)
            {
                throw new ImagePublishException(ImagePublishStage.Build, $"Building {reference} failed: {messages.Error}{platform.Hint(messages.Error)}");
            }
        }

        private async Task PushAsync(DockerClient engine, string registryHost, string repository, string tag, CancellationToken cancellationToken)
        {
            var auth = new AuthConfig
            {
                Username = RegistryClient.UserName,
                Password = await options.AccessToken(cancellationToken).ConfigureAwait(false),
                ServerAddress = registryHost,
            };
            var reference = repository + ":" + tag;
            var messages = new EngineMessages("Pushing", reference, Report, options.Verbose);
            Report("Pushing", $"Pushing {reference}");
            try
            {
                await engine.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, auth, messages, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                throw new ImagePublishException(ImagePublishStage.Push, $"Pushing {reference} failed: {EngineMessages.ApiError(e)}", e);
            }
            if (messages.Error != null)
            {
                throw new ImagePublishException(ImagePublishStage.Push, $"Pushing {reference} failed: {messages.Error}");
            }
        }

        private void Report(ImagePublishProgress progress) => options.Progress?.Invoke(progress);

        private void Report(string stage, string status) => Report(new ImagePublishProgress(stage, status));
    }
}
