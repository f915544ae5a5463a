using System;
using System.Security;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The tracking server's App Engine settings, validated by Google's flexible-environment rules before any call:
    /// 1 or an even number of CPUs up to 80; 0.9 to 6.5 GB of memory per CPU, less the 0.4 GB App Engine keeps;
    /// a 10 to 10240 GB disk; at least one instance and no fewer maximum than minimum instances.
    /// </summary>
    public sealed class ServerSettings
    {
        public const double DefaultCpu = 1;
        public const double DefaultMemoryGb = 2;
        public const double DefaultDiskGb = 10;
        public const int DefaultMinInstances = 1;
        public const int DefaultMaxInstances = 2;
        public const double TargetCpuUtilization = 0.6;
        public const int MaxCpu = 80;

        /// <summary>
        /// The most instances -MinInstances and -MaxInstances take. App Engine's definitions bound them only by their
        /// type (appengine_v1_messages.py AutomaticScaling.minTotalInstances and maxTotalInstances are INT32) and
        /// gcloud's app.yaml check asks for at least 1 (googlecloudsdk/appengine/api/appinfo.py, min_num_instances and
        /// max_num_instances: Range(1, sys.maxsize)); the flexible app.yaml reference leaves the maximum to the
        /// project's quota. Each flexible instance is a Compute Engine VM of the version's regional managed instance
        /// group, and "a regional managed instance group can contain up to 2000 instances" (Compute Engine API
        /// reference, regionInstanceGroupManagers.insert): no version runs more.
        /// </summary>
        public const int MaxInstancesLimit = 2000;

        private static readonly Regex ServiceIdPattern = ParameterChecks.WholeValue("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

        private ServerSettings()
        {
        }

        /// <summary>-Image, or null: the module's own image, published to the deployment's repository.</summary>
        public ServerImageReference? Image { get; private set; }

        /// <summary>-Service, or null: 'default' in a project without App Engine services, else the deployment's own.</summary>
        public string? Service { get; private set; }

        /// <summary>-OAuthClientId with -OAuthClientSecret, or null for Google's managed OAuth client.</summary>
        public OAuthClient? OAuthClient { get; private set; }

        /// <summary>
        /// -ChangeSharedOAuthClient: the OAuth client is the whole App Engine application's, so a plan refuses to change
        /// it while another deployment relies on the current one, unless this is set.
        /// </summary>
        public bool ChangeSharedOAuthClient { get; private set; }

        /// <summary>Whether web users may mint tokens as the log pusher (off with -NoKeylessLogging).</summary>
        public bool KeylessLogging { get; private set; } = true;

        public double Cpu { get; private set; } = DefaultCpu;

        public double MemoryGb { get; private set; } = DefaultMemoryGb;

        public double DiskGb { get; private set; } = DefaultDiskGb;

        public int MinInstances { get; private set; } = DefaultMinInstances;

        public int MaxInstances { get; private set; } = DefaultMaxInstances;

        /// <summary>
        /// True when the wanted server is whatever runs now (Get-MlflowDeployment, which does not know the caller's
        /// image, users or client): drift is then reported only for what the deployment itself determines.
        /// </summary>
        public bool FollowLive { get; private set; }

        public static ServerSettings Validate(DeploymentInput input)
        {
            var settings = new ServerSettings
            {
                FollowLive = input.ServerSettingsFromLive,
                KeylessLogging = !input.NoKeylessLogging,
                ChangeSharedOAuthClient = input.ChangeSharedOAuthClient,
            };
            if (ParameterChecks.Optional("Image", input.Image) is { } imageReference)
            {
                settings.Image = ServerImageReference.TryParse(imageReference, out var image) ? image : throw new InvalidDeploymentInputException("Image",
                    $"'{ParameterChecks.Shown(imageReference)}' is not an image reference. Pass REGISTRY/PATH:TAG (e.g. europe-west1-docker.pkg.dev/my-project/mlflow/mlflow:3.1.0; " +
                    "no tag means 'latest'), pinned to the digest the registry serves for it before anything changes, or REGISTRY/PATH@sha256:DIGEST " +
                    "(Publish-MlflowImage's ImageUri). REGISTRY is a host name with a dot or a port; PATH is lowercase.");
            }
            if (ParameterChecks.Optional("Service", input.Service) is { } service)
            {
                settings.Service = ServiceIdPattern.IsMatch(service) && !service.StartsWith("ah-", StringComparison.Ordinal) ? service
                    : throw new InvalidDeploymentInputException("Service",
                        $"'{service}' is not an App Engine service id: 1 to 63 lowercase letters, digits and hyphens, not starting with 'ah-'.");
            }
            settings.OAuthClient = ValidateOAuthClient(input.OAuthClientId, input.OAuthClientSecret);
            ValidateResources(settings, input);
            return settings;
        }

        private static OAuthClient? ValidateOAuthClient(string? clientId, SecureString? secret)
        {
            var id = ParameterChecks.Optional("OAuthClientId", clientId);
            if (secret != null && secret.Length == 0)
            {
                throw new InvalidDeploymentInputException("OAuthClientSecret", "an empty secret was given. Pass the client's secret (Read-Host -AsSecureString), or leave out both -OAuthClientId and -OAuthClientSecret for Google's managed client.");
            }
            var hasSecret = secret != null;
            if (id == null && !hasSecret)
            {
                return null;
            }
            if (id == null)
            {
                throw new InvalidDeploymentInputException("OAuthClientId", "-OAuthClientSecret was given without -OAuthClientId: pass both, or neither for Google's managed client.");
            }
            if (!hasSecret)
            {
                throw new InvalidDeploymentInputException("OAuthClientSecret", "-OAuthClientId needs the client's secret as a SecureString: pass -OAuthClientSecret (Read-Host -AsSecureString).");
            }
            if (!OAuthClientLabel.IsClientId(id))
            {
                throw new InvalidDeploymentInputException("OAuthClientId",
                    $"'{id}' is not an OAuth client id: Google's read NUMBER-ID.apps.googleusercontent.com, lowercase letters, digits and " +
                    "hyphens before the suffix (Google Cloud console, APIs & Services, Credentials).");
            }
            return new OAuthClient(id, secret!);
        }

        private static void ValidateResources(ServerSettings settings, DeploymentInput input)
        {
            var cpu = ParameterChecks.Finite("Cpu", input.Cpu ?? DefaultCpu);
            if (cpu != 1 && (cpu < 2 || cpu > MaxCpu || cpu % 2 != 0))
            {
                throw new InvalidDeploymentInputException("Cpu", $"{cpu} CPUs: App Engine flexible takes 1 or an even number from 2 to {MaxCpu}.");
            }
            var memory = ParameterChecks.Finite("MemoryGb", input.MemoryGb ?? DefaultMemoryGb);
            double low = Math.Round(0.9 * cpu - 0.4, 2), high = Math.Round(6.5 * cpu - 0.4, 2);
            if (memory < low || memory > high)
            {
                throw new InvalidDeploymentInputException("MemoryGb",
                    $"{memory} GB for {cpu} CPU(s): App Engine flexible needs {low} to {high} GB (0.9 to 6.5 GB per CPU, less 0.4 GB it keeps for itself).");
            }
            var disk = ParameterChecks.Finite("DiskGb", input.DiskGb ?? DefaultDiskGb);
            if (disk < 10 || disk > 10240)
            {
                throw new InvalidDeploymentInputException("DiskGb", $"{disk} GB: App Engine flexible disks have 10 to 10240 GB.");
            }
            var min = input.MinInstances ?? DefaultMinInstances;
            if (min < 1 || min > MaxInstancesLimit)
            {
                throw new InvalidDeploymentInputException("MinInstances",
                    $"{min} is out of range: App Engine flexible always runs at least 1 instance, and a version at most {MaxInstancesLimit}.");
            }
            var max = input.MaxInstances ?? Math.Max(DefaultMaxInstances, min);
            if (max < 1 || max > MaxInstancesLimit)
            {
                throw new InvalidDeploymentInputException("MaxInstances",
                    $"{max} is out of range: a version of App Engine flexible runs 1 to {MaxInstancesLimit} instances.");
            }
            if (max < min)
            {
                throw new InvalidDeploymentInputException("MaxInstances", $"{max} is below -MinInstances {min}: pass at least {min}, or a smaller -MinInstances.");
            }
            settings.Cpu = cpu;
            settings.MemoryGb = memory;
            settings.DiskGb = disk;
            settings.MinInstances = min;
            settings.MaxInstances = max;
        }
    }
}
