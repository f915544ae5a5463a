using System;
using System.Security;
using OneClickMlflow.Google;
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

        /// <summary>-WebAppUser left out: the users IAP lets through now stay as they are (none on a first deployment).</summary>
        public bool KeepsWebUsers { get; private set; }

        /// <summary>
        /// -Image and -RebuildImage left out: the image the deployment serves stays; only a deployment that serves
        /// nothing yet gets the module's own image.
        /// </summary>
        public bool KeepsImage { get; private set; }

        /// <summary>-NoKeylessLogging left out: keyless logging stays as the bucket's label records it (on for a new deployment).</summary>
        public bool KeepsKeylessLogging { get; private set; }

        private double? givenCpu;
        private double? givenMemoryGb;
        private double? givenDiskGb;
        private int? givenMinInstances;
        private int? givenMaxInstances;

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
                KeepsWebUsers = input.ServerSettingsFromLive || input.WebAppUsers == null,
                KeepsImage = input.ServerSettingsFromLive || (string.IsNullOrWhiteSpace(input.Image) && !input.RebuildImage),
                KeylessLogging = input.NoKeylessLogging != true,
                KeepsKeylessLogging = input.ServerSettingsFromLive || input.NoKeylessLogging == null,
                ChangeSharedOAuthClient = input.ChangeSharedOAuthClient,
            };
            var imageReference = ParameterChecks.Optional("Image", input.Image);
            if (input.RebuildImage && imageReference != null)
            {
                throw new InvalidDeploymentInputException("RebuildImage", "-RebuildImage builds the module's own image, -Image names another: pass one of them.");
            }
            if (imageReference != null)
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

        /// <summary>
        /// The values given are checked now, alone and against each other; a value left out is the serving version's
        /// (or the default), so how it fits the given ones is checked again by <see cref="Machine"/> once that is read.
        /// </summary>
        private static void ValidateResources(ServerSettings settings, DeploymentInput input)
        {
            settings.givenCpu = input.Cpu is { } cpu ? ParameterChecks.Finite("Cpu", cpu) : null;
            settings.givenMemoryGb = input.MemoryGb is { } memory ? ParameterChecks.Finite("MemoryGb", memory) : null;
            settings.givenDiskGb = input.DiskGb is { } disk ? ParameterChecks.Finite("DiskGb", disk) : null;
            settings.givenMinInstances = input.MinInstances;
            settings.givenMaxInstances = input.MaxInstances;
            var machine = settings.Merge(null);
            settings.Check(machine, beforeReading: true, fromServing: false);
            settings.Cpu = machine.Cpu;
            settings.MemoryGb = machine.MemoryGb;
            settings.DiskGb = machine.DiskGb;
            settings.MinInstances = machine.Min;
            settings.MaxInstances = machine.Max;
        }

        /// <summary>
        /// The version's machine and scaling: each value as given, else as the serving version has it, else the default;
        /// refused, naming the parameter, when the given values do not fit the kept ones.
        /// </summary>
        public (VersionResources Resources, AutomaticScaling Scaling) Machine(AppEngineVersion? serving)
        {
            var machine = Merge(serving);
            Check(machine, beforeReading: false, fromServing: serving != null);
            return (Deployment.Resources.ServerVersionSpec.Resources(machine.Cpu, machine.MemoryGb, machine.DiskGb),
                Deployment.Resources.ServerVersionSpec.Scaling(machine.Min, machine.Max));
        }

        private (double Cpu, double MemoryGb, double DiskGb, int Min, int Max) Merge(AppEngineVersion? serving)
        {
            var resources = serving?.Resources;
            var scaling = serving?.AutomaticScaling;
            var min = givenMinInstances ?? scaling?.MinTotalInstances ?? DefaultMinInstances;
            return (givenCpu ?? resources?.Cpu ?? DefaultCpu, givenMemoryGb ?? resources?.MemoryGb ?? DefaultMemoryGb,
                givenDiskGb ?? resources?.DiskGb ?? DefaultDiskGb, min,
                givenMaxInstances ?? Math.Max(scaling?.MaxTotalInstances ?? DefaultMaxInstances, min));
        }

        /// <summary>
        /// Google's flexible-environment rules; a pair is checked where one of its values was given, and before the
        /// serving version is read only where both were (the other may be the serving version's).
        /// </summary>
        private void Check((double Cpu, double MemoryGb, double DiskGb, int Min, int Max) machine, bool beforeReading, bool fromServing)
        {
            bool Pair(object? a, object? b) => beforeReading ? a != null && b != null : a != null || b != null;
            var kept = fromServing ? " (the value left out is the serving version's)" : "";
            var cpu = machine.Cpu;
            if (givenCpu != null && cpu != 1 && (cpu < 2 || cpu > MaxCpu || cpu % 2 != 0))
            {
                throw new InvalidDeploymentInputException("Cpu", $"{cpu} CPUs: App Engine flexible takes 1 or an even number from 2 to {MaxCpu}.");
            }
            var memory = machine.MemoryGb;
            double low = Math.Round(0.9 * cpu - 0.4, 2), high = Math.Round(6.5 * cpu - 0.4, 2);
            if (Pair(givenCpu, givenMemoryGb) && (memory < low || memory > high))
            {
                throw new InvalidDeploymentInputException(givenMemoryGb != null ? "MemoryGb" : "Cpu",
                    $"{memory} GB for {cpu} CPU(s){kept}: App Engine flexible needs {low} to {high} GB (0.9 to 6.5 GB per CPU, less 0.4 GB it keeps for itself).");
            }
            double least = Math.Round(0.9 - 0.4, 2), most = Math.Round(6.5 * MaxCpu - 0.4, 2);
            if (givenMemoryGb != null && (memory < least || memory > most))
            {
                throw new InvalidDeploymentInputException("MemoryGb", $"{memory} GB: App Engine flexible instances have {least} to {most} GB.");
            }
            var disk = machine.DiskGb;
            if (givenDiskGb != null && (disk < 10 || disk > 10240))
            {
                throw new InvalidDeploymentInputException("DiskGb", $"{disk} GB: App Engine flexible disks have 10 to 10240 GB.");
            }
            if (givenMinInstances != null && (machine.Min < 1 || machine.Min > MaxInstancesLimit))
            {
                throw new InvalidDeploymentInputException("MinInstances",
                    $"{machine.Min} is out of range: App Engine flexible always runs at least 1 instance, and a version at most {MaxInstancesLimit}.");
            }
            if (givenMaxInstances != null && (machine.Max < 1 || machine.Max > MaxInstancesLimit))
            {
                throw new InvalidDeploymentInputException("MaxInstances",
                    $"{machine.Max} is out of range: a version of App Engine flexible runs 1 to {MaxInstancesLimit} instances.");
            }
            if (Pair(givenMinInstances, givenMaxInstances) && machine.Max < machine.Min)
            {
                throw new InvalidDeploymentInputException(givenMaxInstances != null ? "MaxInstances" : "MinInstances",
                    $"{machine.Max} is below -MinInstances {machine.Min}{kept}: pass at least {machine.Min}, or a smaller -MinInstances.");
            }
        }
    }
}
