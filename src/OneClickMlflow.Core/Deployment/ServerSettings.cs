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

        private static readonly Regex ServiceIdPattern = new Regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant);

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
            if (input.RebuildImage && !string.IsNullOrWhiteSpace(input.Image))
            {
                throw new InvalidDeploymentInputException("RebuildImage", "-RebuildImage builds the module's own image, -Image names another: pass one of them.");
            }
            if (!string.IsNullOrWhiteSpace(input.Image))
            {
                settings.Image = ServerImageReference.TryParse(input.Image, out var image) ? image : throw new InvalidDeploymentInputException("Image",
                    $"'{input.Image}' is not an image reference. Pass REGISTRY/PATH:TAG (e.g. europe-west1-docker.pkg.dev/my-project/mlflow/mlflow:3.1.0; " +
                    "no tag means 'latest'), pinned to the digest the registry serves for it before anything changes, or REGISTRY/PATH@sha256:DIGEST " +
                    "(Publish-MlflowImage's ImageUri). REGISTRY is a host name with a dot or a port; PATH is lowercase.");
            }
            if (!string.IsNullOrWhiteSpace(input.Service))
            {
                var service = input.Service!.Trim();
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
            var id = clientId?.Trim() ?? "";
            var hasSecret = secret != null && secret.Length > 0;
            if (id.Length == 0 && !hasSecret)
            {
                return null;
            }
            if (id.Length == 0)
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
            settings.givenCpu = input.Cpu;
            settings.givenMemoryGb = input.MemoryGb;
            settings.givenDiskGb = input.DiskGb;
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
            if (givenMinInstances != null && machine.Min < 1)
            {
                throw new InvalidDeploymentInputException("MinInstances", $"{machine.Min}: App Engine flexible always runs at least 1 instance.");
            }
            if (Pair(givenMinInstances, givenMaxInstances) && machine.Max < machine.Min)
            {
                throw new InvalidDeploymentInputException(givenMaxInstances != null ? "MaxInstances" : "MinInstances",
                    $"-MaxInstances {machine.Max} is below -MinInstances {machine.Min}{kept}.");
            }
        }
    }
}
