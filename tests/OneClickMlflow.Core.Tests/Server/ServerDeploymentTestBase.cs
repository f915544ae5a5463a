using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Platform;

namespace OneClickMlflow.Tests.Server;

/// <summary>Runs the whole deployment graph (with -Image) against the emulator and reads App Engine back.</summary>
public abstract class ServerDeploymentTestBase : PlatformDeploymentTestBase
{
    protected static DeploymentInput Input(string image = TestImages.First, string name = DeploymentNames.DefaultName, params string[] webUsers) => new()
    {
        ProjectId = Project,
        Region = Region,
        Name = name,
        Image = image,
        WebAppUsers = webUsers,
    };

    /// <summary>A custom OAuth client for IAP, as New-MlflowDeployment -OAuthClientId -OAuthClientSecret gives it.</summary>
    protected const string CustomClient = "1234-abc.apps.googleusercontent.com";

    protected static DeploymentInput WithClient(DeploymentInput input, string secret)
    {
        input.OAuthClientId = CustomClient;
        input.OAuthClientSecret = Secure(secret);
        return input;
    }

    protected static SecureString Secure(string text) => new NetworkCredential("", text).SecurePassword;

    /// <summary>What Get-MlflowDeployment plans for a deployment: the wanted server is the one running.</summary>
    protected static DeploymentInput Live(string name = DeploymentNames.DefaultName) =>
        new() { ProjectId = Project, Region = Region, Name = name, ServerSettingsFromLive = true };

    /// <summary>The changes a plan would make (Get-MlflowDeployment's drift).</summary>
    protected static List<PlannedChange> Drift(DeploymentPlan plan) => plan.Changes.Where(c => c.Action != ChangeAction.None).ToList();

    /// <summary>Plans and applies everything; returns the deployment as New-MlflowDeployment reports it.</summary>
    /// <param name="impersonate">A service account to deploy as, instead of the emulator's deployer.</param>
    protected async Task<MlflowDeployment> DeployAsync(DeploymentInput input, List<string>? debug = null, string? impersonate = null)
    {
        using var session = await SessionAsync(configure: o =>
        {
            o.ImpersonateServiceAccount = impersonate;
            if (debug != null)
            {
                o.Log = line => { lock (debug) { debug.Add(line); } };
            }
        });
        var graph = DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(input), session);
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(graph.Resources, CancellationToken.None);
        var report = await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);
        return graph.Describe(report);
    }

    protected async Task<DeploymentPlan> PlanAsync(DeploymentInput input, DeploymentIntent intent = DeploymentIntent.Converge)
    {
        using var session = await SessionAsync();
        return await new DeploymentEngine().PlanAsync(DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(input), session).Resources,
            intent, CancellationToken.None);
    }

    protected async Task<DeploymentRunReport> RemoveAsync(DeploymentInput input, string? impersonate = null)
    {
        using var session = await SessionAsync(configure: o => o.ImpersonateServiceAccount = impersonate);
        var engine = new DeploymentEngine();
        var plan = await engine.PlanAsync(DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(input), session).Resources,
            DeploymentIntent.Remove, CancellationToken.None);
        return await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);
    }

    protected async Task<DatabaseInstance> ReadInstanceAsync()
    {
        using var session = await SessionAsync();
        return (await session.CloudSql.GetInstanceAsync(Project, Names.SqlInstanceName, CancellationToken.None))!;
    }

    protected Emulator.Apis.AppEngineApplication? App() =>
        Read(s => s.ApiState<AppEngineState>().Apps.GetValueOrDefault(Project));

    protected Emulator.Apis.AppEngineService? Service(string id) => Read(s => App()?.Services.GetValueOrDefault(id));

    protected List<string> VersionIds(string service) => Read(s => Service(service)?.Versions.Keys.OrderBy(k => k).ToList() ?? new List<string>());

    protected Dictionary<string, double> Traffic(string service) =>
        Read(s => Service(service)?.Allocations.ToDictionary(a => a.Key, a => a.Value) ?? new Dictionary<string, double>());

    protected List<string> IapMembers(string service) =>
        Read(s => Service(service)!.IapPolicy.Bindings.Where(b => b.Role == "roles/iap.httpsResourceAccessor").SelectMany(b => b.Members).OrderBy(m => m).ToList());

    protected List<string> TokenCreators() => Read(s => s.FindServiceAccount(Names.LogPusherServiceAccountEmail)!.Policy.Bindings
        .Where(b => b.Role == "roles/iam.serviceAccountTokenCreator").SelectMany(b => b.Members).OrderBy(m => m).ToList());

    protected void CreateAppIn(string locationId)
    {
        lock (Host.State.Gate)
        {
            Host.State.ApiState<AppEngineState>().Apps[Project] = new Emulator.Apis.AppEngineApplication
            {
                Id = Project,
                LocationId = locationId,
                DefaultHostname = $"{Project}.{AppEngineApi.LocationCodes[locationId]}.r.appspot.com",
                Created = DateTimeOffset.UtcNow,
            };
        }
    }
}
