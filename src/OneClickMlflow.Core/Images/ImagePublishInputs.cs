using System.Text.RegularExpressions;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.Images
{
    /// <summary>Publish-MlflowImage's parameters, checked whole before any request (see <see cref="ParameterChecks"/>).</summary>
    public static class ImagePublishInputs
    {
        // A Google Cloud region: europe-west1, us-central1, northamerica-northeast2 (Artifact Registry has more regions than App Engine).
        private static readonly Regex RegionPattern = ParameterChecks.WholeValue("[a-z]+(?:-[a-z]+)+[1-9][0-9]*");

        // Artifact Registry's repository ids: lowercase letters, digits and hyphens, starting with a letter, at most 63.
        private static readonly Regex RepositoryPattern = ParameterChecks.WholeValue("[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");

        // A path component of a Docker image name (the distribution spec's grammar).
        private static readonly Regex ImageNamePattern = ParameterChecks.WholeValue("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

        private static readonly Regex MlflowVersionPattern = ParameterChecks.WholeValue(@"[0-9]+\.[0-9]+\.[0-9]+(?:[a-z0-9.]*)");

        // host or host:port: a DNS name or IPv4 address, lowercase.
        private static readonly Regex RegistryHostPattern = ParameterChecks.WholeValue(@"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?");

        // A Dockerfile ARG name.
        private static readonly Regex BuildArgumentNamePattern = ParameterChecks.WholeValue("[A-Za-z_][A-Za-z0-9_]*");

        public static string ValidateRegion(string? region) => Matching("Region", region, RegionPattern,
            "is not a Google Cloud region. Give one such as europe-west1 or us-central1 (gcloud artifacts locations list).");

        public static string ValidateRepository(string? repository) => Matching("Repository", repository, RepositoryPattern,
            "is not an Artifact Registry repository id: 1 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.");

        public static string ValidateImageName(string? imageName) => Matching("ImageName", imageName, ImageNamePattern,
            "is not an image name: lowercase letters and digits, separated by single '.', '_', '__' or hyphens.");

        public static string? ValidateMlflowVersion(string? version) => version == null ? null : Matching("MlflowVersion", version, MlflowVersionPattern,
            "is not an MLflow release: give MAJOR.MINOR.PATCH, e.g. 3.1.0 (pypi.org/project/mlflow).");

        public static string? ValidateRegistryHost(string? host) => host == null ? null : Matching("RegistryHost", host, RegistryHostPattern,
            "is not a registry host: give HOST or HOST:PORT, e.g. europe-west1-docker.pkg.dev or 127.0.0.1:5000, without a scheme or path.");

        public static string ValidateBuildArgumentName(string? name) => Matching("BuildArgument", name, BuildArgumentNamePattern,
            "is not a build argument name: letters, digits and underscores, not starting with a digit (the name of an ARG of the Dockerfile).");

        /// <summary>The build context folder: any non-blank path (whether it is a directory is checked next).</summary>
        public static string ValidatePath(string? path)
        {
            if (path == null || path.Trim().Length == 0)
            {
                return ParameterChecks.Exact("Path", path);
            }
            return path;
        }

        private static string Matching(string parameter, string? value, Regex pattern, string rule)
        {
            var exact = ParameterChecks.Exact(parameter, value);
            return pattern.IsMatch(exact) ? exact : throw new InvalidDeploymentInputException(parameter, $"'{ParameterChecks.Shown(exact)}' {rule}");
        }
    }
}
