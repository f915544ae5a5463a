using System.Collections.Generic;

namespace OneClickMlflow.Images
{
    /// <summary>What to build and where to push it: <c>{RegistryHost}/{ProjectId}/{Repository}/{ImageName}</c>.</summary>
    public sealed class ImagePublishRequest
    {
        /// <summary>The build argument carrying <see cref="MlflowVersion"/> into the Dockerfile.</summary>
        public const string MlflowVersionArgument = "MLFLOW_VERSION";

        public ImagePublishRequest(string contextDirectory, string registryHost, string projectId, string repository, string imageName, string? mlflowVersion = null)
        {
            ContextDirectory = contextDirectory;
            RegistryHost = registryHost;
            ProjectId = projectId;
            Repository = repository;
            ImageName = imageName;
            MlflowVersion = mlflowVersion;
        }

        public string ContextDirectory { get; }

        /// <summary>Artifact Registry's Docker host (<see cref="ArtifactRegistryHost"/>), or host:port of another registry.</summary>
        public string RegistryHost { get; }

        public string ProjectId { get; }

        /// <summary>The Artifact Registry repository id.</summary>
        public string Repository { get; }

        public string ImageName { get; }

        /// <summary>Passed as <see cref="MlflowVersionArgument"/>; null leaves the Dockerfile's own default.</summary>
        public string? MlflowVersion { get; }

        /// <summary>Build arguments besides <see cref="MlflowVersionArgument"/>; they are part of the content tag.</summary>
        public IDictionary<string, string> BuildArguments { get; } = new SortedDictionary<string, string>();

        /// <summary>
        /// What the image is built for: App Engine flexible and Cloud Run run x86-64 only, so linux/amd64 whatever the
        /// engine's own architecture (an arm64 workstation included). Part of the content tag.
        /// </summary>
        public string Platform { get; set; } = LinuxAmd64;

        public const string LinuxAmd64 = "linux/amd64";

        /// <summary>The Dockerfile's path inside the context.</summary>
        public string Dockerfile { get; set; } = "Dockerfile";

        /// <summary>The registry path of the name, without host: <c>{project}/{repository}/{image}</c>.</summary>
        public string RepositoryPath => $"{ProjectId}/{Repository}/{ImageName}";

        /// <summary>The image repository without tag: <c>{host}/{project}/{repository}/{image}</c>.</summary>
        public string ImageRepository => $"{RegistryHost}/{RepositoryPath}";

        public static string ArtifactRegistryHost(string region) => $"{region}-docker.pkg.dev";

        /// <summary>Everything passed to the build: <see cref="BuildArguments"/> and the MLflow version when given.</summary>
        public IReadOnlyDictionary<string, string> AllBuildArguments()
        {
            var all = new SortedDictionary<string, string>(BuildArguments);
            if (MlflowVersion != null)
            {
                all[MlflowVersionArgument] = MlflowVersion;
            }
            return all;
        }
    }
}
