using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The App Engine Admin v1 request messages the emulator accepts (google.appengine.v1).</summary>
public static class AppEngineSchemas
{
    private const string Ns = "google.appengine.v1.";

    public static readonly string[] ServingStatuses = { "UNSPECIFIED", "SERVING", "USER_DISABLED", "SYSTEM_DISABLED", "STOPPED" };

    public static readonly MessageSchema IdentityAwareProxy = new MessageSchema(Ns + "Application.IdentityAwareProxy")
        .Bool("enabled").String("oauth2ClientId").String("oauth2ClientSecret").String("oauth2ClientSecretSha256");

    public static readonly MessageSchema Application = new MessageSchema(Ns + "Application")
        .String("name").String("id").String("locationId").String("authDomain").String("codeBucket").String("defaultBucket")
        .String("defaultHostname").String("gcrDomain").String("serviceAccount").String("databaseType")
        .Enum("servingStatus", Ns + "Application.ServingStatus", ServingStatuses)
        .Message("iap", IdentityAwareProxy).AnyJson("featureSettings").AnyJson("dispatchRules")
        .String("defaultCookieExpiration").String("sslPolicy").AnyJson("generatedCustomerMetadata");

    private static readonly MessageSchema TrafficSplit = new MessageSchema(Ns + "TrafficSplit")
        .Add(new FieldSchema
        {
            JsonName = "allocations",
            Type = FieldType.Map,
            MapValue = new FieldSchema { JsonName = "value", Type = FieldType.Double },
        })
        .Enum("shardBy", Ns + "TrafficSplit.ShardBy", new[] { "UNSPECIFIED", "COOKIE", "IP", "RANDOM" });

    public static readonly MessageSchema Service = new MessageSchema(Ns + "Service")
        .String("name").String("id").Message("split", TrafficSplit).StringMap("labels").AnyJson("networkSettings")
        .String("generatedCustomerMetadata");

    private static readonly MessageSchema Network = new MessageSchema(Ns + "Network")
        .String("name").String("subnetworkName").Strings("forwardedPorts").String("instanceTag")
        .Bool("sessionAffinity").Enum("instanceIpMode", Ns + "Network.InstanceIpModeValueValuesEnum",
            new[] { "INSTANCE_IP_MODE_UNSPECIFIED", "EXTERNAL", "INTERNAL" });

    private static readonly MessageSchema Resources = new MessageSchema(Ns + "Resources")
        .Double("cpu").Double("memoryGb").Double("diskGb").AnyJson("volumes").String("kmsKeyReference");

    private static readonly MessageSchema Container = new MessageSchema(Ns + "ContainerInfo").String("image");

    private static readonly MessageSchema Deployment = new MessageSchema(Ns + "Deployment")
        .Message("container", Container).AnyJson("files").AnyJson("zip").AnyJson("cloudBuildOptions");

    private static readonly MessageSchema AutomaticScaling = new MessageSchema(Ns + "AutomaticScaling")
        .Int32("minTotalInstances").Int32("maxTotalInstances").String("coolDownPeriod").AnyJson("cpuUtilization")
        .Int32("maxConcurrentRequests").Int32("maxIdleInstances").String("maxPendingLatency").Int32("minIdleInstances")
        .String("minPendingLatency").AnyJson("requestUtilization").AnyJson("diskUtilization").AnyJson("networkUtilization")
        .AnyJson("standardSchedulerSettings");

    private static readonly MessageSchema ManualScaling = new MessageSchema(Ns + "ManualScaling").Int32("instances");

    private static readonly MessageSchema LivenessCheck = new MessageSchema(Ns + "LivenessCheck")
        .String("path").String("host").String("initialDelay").String("checkInterval").String("timeout")
        .Int64("failureThreshold").Int64("successThreshold");

    private static readonly MessageSchema ReadinessCheck = new MessageSchema(Ns + "ReadinessCheck")
        .String("path").String("host").String("appStartTimeout").String("checkInterval").String("timeout")
        .Int64("failureThreshold").Int64("successThreshold");

    public static readonly MessageSchema Version = new MessageSchema(Ns + "Version")
        .String("name").String("id").String("env").String("runtime").Message("deployment", Deployment)
        .Message("network", Network).Message("resources", Resources).Message("automaticScaling", AutomaticScaling)
        .Message("manualScaling", ManualScaling).AnyJson("basicScaling").StringMap("envVariables")
        .Message("livenessCheck", LivenessCheck).Message("readinessCheck", ReadinessCheck).AnyJson("healthCheck").String("serviceAccount")
        .StringMap("betaSettings").Enum("servingStatus", Ns + "Version.ServingStatus", ServingStatuses)
        .String("instanceClass").AnyJson("handlers").AnyJson("errorHandlers").AnyJson("libraries")
        .AnyJson("endpointsApiService").AnyJson("entrypoint").AnyJson("flexibleRuntimeSettings").AnyJson("vpcAccessConnector")
        .Strings("inboundServices").String("runtimeApiVersion").String("runtimeChannel").String("runtimeMainExecutablePath")
        .Bool("threadsafe").Bool("vm").String("nobuildFilesRegex").String("defaultExpiration").AnyJson("apiConfig")
        .Bool("appEngineApis").StringMap("buildEnvVariables").String("createdBy").String("createTime").String("versionUrl")
        .String("diskUsageBytes").Strings("zones").AnyJson("generatedCustomerMetadata");
}
