using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The App Engine flexible version the deployment wants, and its id: "v-", the first 12 hex digits of the image
    /// digest, "-", and 6 hex digits of a hash of everything else, so that the same image with the same settings
    /// is the same version and any change (environment, resources, scaling) makes a new one.
    /// </summary>
    public static class ServerVersionSpec
    {
        public const string HealthPath = "/health";

        /// <summary>First start includes MLflow's schema upgrade; liveness checks wait as long.</summary>
        public const string AppStartTimeout = "900s";

        public const string VersionPrefix = "v-";

        public static AppEngineVersion Build(ServerImageReference image, IReadOnlyDictionary<string, string> environment, VersionNetwork network,
            string serviceAccount, VersionResources resources, AutomaticScaling scaling)
        {
            var version = new AppEngineVersion
            {
                Env = "flex",
                Runtime = "custom",
                Deployment = new VersionDeployment { Container = new ContainerInfo { Image = image.Reference } }, // throws unless pinned
                Network = network,
                ServiceAccount = serviceAccount,
                Resources = resources,
                AutomaticScaling = scaling,
                // Liveness starts checking only once a first start (with its schema migration) may have ended, so
                // a slow first start is never killed.
                LivenessCheck = new LivenessCheck { Path = HealthPath, InitialDelay = AppStartTimeout },
                ReadinessCheck = new ReadinessCheck { Path = HealthPath, AppStartTimeout = AppStartTimeout },
                EnvVariables = environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value),
            };
            version.Id = VersionPrefix + image.DigestHex!.Substring(0, 12) + "-" + ShortHash(JsonSerializer.Serialize(version, GoogleJson.Options));
            return version;
        }

        /// <summary>The environment of docs/image.md's contract.</summary>
        /// <param name="iapAudience">What IAP signs its header for: /projects/NUMBER/apps/PROJECT_ID on App Engine.</param>
        public static IReadOnlyDictionary<string, string> Environment(string databaseIp, string databasePasswordSecret,
            string artifactDestination, string defaultHostname, string serviceId, string? serverCaPem, string iapAudience)
        {
            var hosts = new List<string> { defaultHostname, "*-dot-" + defaultHostname };
            if (serviceId != ServerServiceLocator.DefaultService)
            {
                hosts.Add(serviceId + "-dot-" + defaultHostname);
            }
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["DB_PRIVATE_IP"] = databaseIp,
                ["DB_NAME"] = DeploymentNames.DatabaseName,
                ["DB_USER"] = DeploymentNames.DatabaseUserName,
                ["DB_PASSWORD_SECRET"] = databasePasswordSecret + "/versions/latest",
                [ServerServiceLocator.ArtifactDestinationVariable] = artifactDestination,
                ["ALLOWED_HOSTS"] = string.Join(",", hosts),
                // The server refuses a request whose x-goog-iap-jwt-assertion is not signed by IAP for this app.
                ["IAP_AUDIENCE"] = iapAudience,
                // Large artifacts go to the bucket in parts through signed URLs (ServerSigningResource), not through App Engine.
                ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true",
            };
            if (!string.IsNullOrEmpty(serverCaPem))
            {
                environment["DB_SERVER_CA_PEM"] = serverCaPem!;
            }
            return environment;
        }

        public static VersionResources Resources(double cpu, double memoryGb, double diskGb) =>
            new VersionResources { Cpu = cpu, MemoryGb = memoryGb, DiskGb = diskGb };

        public static AutomaticScaling Scaling(int min, int max) => new AutomaticScaling
        {
            MinTotalInstances = min,
            MaxTotalInstances = max,
            CpuUtilization = new CpuUtilization { TargetUtilization = ServerSettings.TargetCpuUtilization },
        };

        /// <summary>The digest part of a version's image, or null when it is not pinned by digest.</summary>
        public static ServerImageReference? ImageOf(AppEngineVersion version) =>
            ServerImageReference.TryParsePinned(version.Deployment?.Container?.Image, out var image) ? image : null;

        public static string Describe(VersionResources r, AutomaticScaling s) => string.Format(CultureInfo.InvariantCulture,
            "{0} CPU, {1} GB memory, {2} GB disk, {3} to {4} instances", r.Cpu, r.MemoryGb, r.DiskGb, s.MinTotalInstances, s.MaxTotalInstances);

        private static string ShortHash(string value)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(value));
            return string.Concat(hash.Take(3).Select(b => b.ToString("x2")));
        }

        /// <summary>The audience of IAP's signed header for an App Engine app (IAP "signed headers" docs).</summary>
        public static string AppEngineIapAudience(string projectNumber, string projectId) => $"/projects/{projectNumber}/apps/{projectId}";
    }
}
