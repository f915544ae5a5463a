using System;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Tests of App Engine and IAP: the app created in a location, and flexible versions deployed as the module deploys them.</summary>
public abstract class AppEngineTestBase : PlatformTestBase
{
    protected const string Apps = "appengine/v1/apps";
    protected const string App = Apps + "/" + Project;
    protected const string ServerAccount = "mlflow-server@mlflow-demo.iam.gserviceaccount.com";
    protected const string Pusher = "mlflow-log-pusher@mlflow-demo.iam.gserviceaccount.com";

    protected async Task<JsonObject> CreateAppAsync(string location = "europe-west")
    {
        EnableServices(AppEngineApi.Service, IapApi.Service, "compute.googleapis.com");
        var (status, operation) = await CallAsync(HttpMethod.Post, Apps, $$"""{"id": "{{Project}}", "locationId": "{{location}}"}""");
        Assert.True(status == HttpStatusCode.OK, operation.ToJsonString());
        return operation;
    }

    /// <summary>IAP's audience for the app, /projects/NUMBER/apps/ID: what the module sets as the version's IAP_AUDIENCE.</summary>
    protected string AppAudience => $"/projects/{Host.State.GetProject(Project).ProjectNumber}/apps/{Project}";

    /// <summary>Stands for <see cref="AppAudience"/> as <see cref="FlexVersion"/>'s default (null leaves IAP_AUDIENCE out).</summary>
    protected const string OwnAudience = "(the app's)";

    /// <summary>
    /// A flexible version of a service with the fields the module sends (network and service account made first),
    /// with the app's IAP_AUDIENCE unless another (or none, null) is given.
    /// </summary>
    protected string FlexVersion(string id, string network = "mlflow-net", string account = ServerAccount, string? iapAudience = OwnAudience) =>
        FlexVersionWith(id, network, account, iapAudience == OwnAudience ? AppAudience : iapAudience);

    private static string FlexVersionWith(string id, string network, string account, string? iapAudience) => $$$"""
        {"id": "{{{id}}}", "env": "flex", "runtime": "custom",
         "deployment": {"container": {"image": "europe-west1-docker.pkg.dev/mlflow-demo/mlflow/server:1"}},
         "network": {"name": "{{{network}}}", "instanceIpMode": "INTERNAL"},
         "resources": {"cpu": 1, "memoryGb": 2, "diskGb": 10},
         "automaticScaling": {"minTotalInstances": 1, "maxTotalInstances": 2, "cpuUtilization": {"targetUtilization": 0.6}},
         "envVariables": {"ARTIFACT_ROOT": "gs://mlflow-demo-artifacts"{{{(iapAudience is null ? "" : $", \"IAP_AUDIENCE\": \"{iapAudience}\"")}}} },
         "livenessCheck": {"path": "/health"}, "readinessCheck": {"path": "/health"},
         "serviceAccount": "{{{account}}}", "betaSettings": {"cloud_sql_instances": "mlflow-demo:europe-west1:mlflow"}}
        """;

    /// <summary>The network, the server account and the image's repository, which the account may read.</summary>
    protected void SeedNetworkAndAccount()
    {
        Host.State.AddServiceAccount(ServerAccount);
        lock (Host.State.Gate)
        {
            Host.State.ApiState<ArtifactRegistryState>().AddDockerRepository(Project, "europe-west1", "mlflow", DateTimeOffset.UtcNow)
                .Policy.AddBinding("roles/artifactregistry.reader", "serviceAccount:" + ServerAccount);
            var compute = Host.State.ApiState<ComputeState>();
            compute.Networks[(Project, "mlflow-net")] = new ComputeNetwork
            {
                ProjectId = Project,
                Name = "mlflow-net",
                Id = compute.NewId(),
                Created = DateTimeOffset.UtcNow,
                AutoCreateSubnetworks = true,
            };
        }
    }

    protected async Task<(HttpStatusCode Status, JsonObject Body)> DeployAsync(string service, string version, string? iapAudience = OwnAudience)
    {
        SeedNetworkAndAccount();
        return await CallAsync(HttpMethod.Post, $"{App}/services/{service}/versions", FlexVersion(version, iapAudience: iapAudience));
    }

    protected async Task<string> DefaultHostnameAsync()
    {
        var (_, app) = await CallAsync(HttpMethod.Get, App);
        return app["defaultHostname"]!.GetValue<string>();
    }

    /// <summary>The app's IAP lets the log pusher through (which it makes first).</summary>
    protected async Task LetPusherThroughIapAsync()
    {
        Host.State.AddServiceAccount(Pusher);
        var (status, policy) = await CallAsync(HttpMethod.Post, $"iap/v1/projects/{ProjectNumber}/iap_web/appengine-{Project}:setIamPolicy",
            $$$"""{"policy": {"bindings": [{"role": "roles/iap.httpsResourceAccessor", "members": ["serviceAccount:{{{Pusher}}}"]}]}}""");
        Assert.True(status == HttpStatusCode.OK, policy.ToJsonString());
    }

    /// <summary>A JWT for the pusher signed through IAM Credentials signJwt, as Get-MlflowTrackingToken makes it.</summary>
    protected async Task<string> SignedJwtAsync(string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject { ["iss"] = Pusher, ["sub"] = Pusher, ["aud"] = audience, ["iat"] = now, ["exp"] = now + 3600 };
        var (status, body) = await CallAsync(HttpMethod.Post, $"iamcredentials/v1/projects/-/serviceAccounts/{Pusher}:signJwt",
            new JsonObject { ["payload"] = payload.ToJsonString() }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["signedJwt"]!.GetValue<string>();
    }
}
