using System.Collections.Generic;

namespace OneClickMlflow.Google
{
    /// <summary>appengine_v1 Application (the fields the deployment reads and writes).</summary>
    public sealed class AppEngineApplication
    {
        public string? Id { get; set; }

        /// <summary>e.g. "europe-west" (App Engine's id of europe-west1); it can never change.</summary>
        public string? LocationId { get; set; }

        /// <summary>e.g. "my-project.uc.r.appspot.com".</summary>
        public string? DefaultHostname { get; set; }

        public string? ServingStatus { get; set; }

        public IdentityAwareProxy? Iap { get; set; }
    }

    /// <summary>appengine_v1 IdentityAwareProxy: IAP of the whole application.</summary>
    public sealed class IdentityAwareProxy
    {
        public bool? Enabled { get; set; }

        /// <summary>A custom OAuth client; empty means Google's managed client.</summary>
        public string? Oauth2ClientId { get; set; }

        /// <summary>Write only: Google answers with <see cref="Oauth2ClientSecretSha256"/> instead.</summary>
        public string? Oauth2ClientSecret { get; set; }

        public string? Oauth2ClientSecretSha256 { get; set; }
    }

    /// <summary>appengine_v1 Service: its traffic split.</summary>
    public sealed class AppEngineService
    {
        public string? Id { get; set; }

        public TrafficSplit? Split { get; set; }
    }

    public sealed class TrafficSplit
    {
        public string? ShardBy { get; set; }

        /// <summary>Version id to share of traffic (the shares sum to 1).</summary>
        public Dictionary<string, double>? Allocations { get; set; }
    }

    /// <summary>appengine_v1 Version of the flexible environment.</summary>
    public sealed class AppEngineVersion
    {
        public string? Id { get; set; }

        public string? Env { get; set; }

        public string? Runtime { get; set; }

        public string? ServingStatus { get; set; }

        public string? CreateTime { get; set; }

        public string? ServiceAccount { get; set; }

        public VersionDeployment? Deployment { get; set; }

        public VersionNetwork? Network { get; set; }

        public VersionResources? Resources { get; set; }

        public AutomaticScaling? AutomaticScaling { get; set; }

        public LivenessCheck? LivenessCheck { get; set; }

        public ReadinessCheck? ReadinessCheck { get; set; }

        public Dictionary<string, string>? EnvVariables { get; set; }
    }

    public sealed class VersionDeployment
    {
        public ContainerInfo? Container { get; set; }
    }

    public sealed class ContainerInfo
    {
        /// <summary>The image by digest, e.g. europe-west1-docker.pkg.dev/p/mlflow/mlflow@sha256:....</summary>
        public string? Image { get; set; }
    }

    public sealed class VersionNetwork
    {
        /// <summary>The network's short name, never a resource path, also for a Shared VPC network.</summary>
        public string? Name { get; set; }

        /// <summary>The subnetwork's short name, in the app's region: needed on custom subnet mode networks, omitted on auto ones.</summary>
        public string? SubnetworkName { get; set; }
    }

    public sealed class VersionResources
    {
        public double? Cpu { get; set; }

        public double? MemoryGb { get; set; }

        public double? DiskGb { get; set; }
    }

    public sealed class AutomaticScaling
    {
        public int? MinTotalInstances { get; set; }

        public int? MaxTotalInstances { get; set; }

        public CpuUtilization? CpuUtilization { get; set; }
    }

    public sealed class CpuUtilization
    {
        public double? TargetUtilization { get; set; }
    }

    /// <summary>Liveness or readiness check (only the fields the deployment sets).</summary>
    /// <summary>google.appengine.v1.LivenessCheck: a failing instance is restarted once the initial delay has passed.</summary>
    public sealed class LivenessCheck
    {
        public string? Path { get; set; }

        /// <summary>How long after start the checks begin, e.g. "900s" (Google's default 300 s, at most 3600 s).</summary>
        public string? InitialDelay { get; set; }
    }

    /// <summary>google.appengine.v1.ReadinessCheck: an instance takes traffic once it passes.</summary>
    public sealed class ReadinessCheck
    {
        public string? Path { get; set; }

        /// <summary>How long the first start may take, e.g. "900s" (at most 1800 s).</summary>
        public string? AppStartTimeout { get; set; }
    }

    /// <summary>google.appengine.v1.OperationMetadataV1: which method made the operation, on what, and when.</summary>
    public sealed class AppEngineOperationMetadata
    {
        public const string CreateVersionMethod = "google.appengine.v1.Versions.CreateVersion";

        public string? Method { get; set; }

        /// <summary>"apps/{app}/services/{service}/versions/{version}".</summary>
        public string? Target { get; set; }

        public string? InsertTime { get; set; }

        public static AppEngineOperationMetadata Of(LongRunningOperation operation) =>
            operation.Metadata is { ValueKind: System.Text.Json.JsonValueKind.Object } metadata
                ? System.Text.Json.JsonSerializer.Deserialize<AppEngineOperationMetadata>(metadata.GetRawText(), GoogleJson.Options) ?? new AppEngineOperationMetadata()
                : new AppEngineOperationMetadata();
    }
}
