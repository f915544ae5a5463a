using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using OneClickMlflow.Tests.Google;

namespace OneClickMlflow.Tests.Platform;

/// <summary>Runs the platform graph through the engine against the emulator and reads what the emulator holds.</summary>
public abstract class PlatformDeploymentTestBase : EmulatedSessionTestBase
{
    protected const string Region = "europe-west1";

    protected static DeploymentNames Names => DeploymentNames.For(Project);

    protected async Task<DeploymentRunReport> DeployAsync(string? networkName = null, Action<ResourceEvent>? onEvent = null,
        CancellationToken cancellationToken = default, Action<GoogleCloudSessionOptions>? configure = null)
    {
        using var session = await SessionAsync(configure: configure);
        var graph = Graph(session, networkName);
        var engine = new DeploymentEngine(new DeploymentEngineOptions { OnEvent = onEvent });
        var plan = await engine.PlanAsync(graph.Resources, cancellationToken);
        return await engine.ApplyAsync(plan.ApproveAll(), cancellationToken);
    }

    protected async Task<DeploymentPlan> PlanAsync(string? networkName = null)
    {
        using var session = await SessionAsync();
        return await new DeploymentEngine().PlanAsync(Graph(session, networkName).Resources, CancellationToken.None);
    }

    protected static MlflowDeploymentGraph Graph(GoogleCloudSession session, string? networkName = null) =>
        DeploymentGraphBuilder.Build(
            MlflowDeploymentSpec.From(new DeploymentInput { ProjectId = Project, Region = Region, NetworkName = networkName, Image = Server.TestImages.First }),
            session);

    protected IReadOnlyList<RequestLogEntry> MutatingRequests() => Host.Requests.Where(r => r.Mutating).ToList();

    protected T Read<T>(Func<EmulatorState, T> read)
    {
        lock (Host.State.Gate)
        {
            return read(Host.State);
        }
    }

    /// <summary>Changes the emulator's state under its lock, as Google would behind the deployment's back.</summary>
    protected void Edit(Action<EmulatorState> edit)
    {
        lock (Host.State.Gate)
        {
            edit(Host.State);
        }
    }

    protected List<string> Networks() => Read(s => s.ApiState<ComputeState>().Networks.Keys.Where(k => k.Project == Project).Select(k => k.Name).ToList());

    protected List<string> PeeringRanges() => Read(s => s.ApiState<ComputeState>().Addresses.Values
        .Where(a => a.ProjectId == Project && a.Purpose == "VPC_PEERING").Select(a => a.Name).ToList());

    protected List<string> Buckets() => Read(s => s.ApiState<StorageState>().Buckets.Values.Where(b => b.ProjectId == Project).Select(b => b.Name).ToList());

    protected List<string> ServiceAccountEmails() => Read(s => s.ServiceAccounts
        .Select(a => a.Email).Where(e => e.EndsWith("@" + Project + ".iam.gserviceaccount.com", StringComparison.Ordinal)
                                          && !e.StartsWith("deployer@", StringComparison.Ordinal)).OrderBy(e => e).ToList());

    protected List<string>? ConnectionRanges(string network) => Read(s =>
        s.ApiState<ServiceNetworkingState>().Connections.TryGetValue((Project, network), out var ranges) ? ranges.ToList() : null);

    /// <summary>A subnetwork of an existing network, as a network administrator would have made it.</summary>
    protected void SeedSubnetwork(string project, string network, string name, string region = Region, string range = "10.250.0.0/24")
    {
        lock (Host.State.Gate)
        {
            var compute = Host.State.ApiState<ComputeState>();
            compute.Subnetworks[(project, region, name)] = new Emulator.Apis.ComputeSubnetwork
            {
                ProjectId = project, Region = region, Name = name, Id = compute.NewId(), Created = DateTimeOffset.UtcNow,
                NetworkName = network, IpCidrRange = range, PrivateIpGoogleAccess = true,
            };
        }
    }

    protected void EnableServices(params string[] services)
    {
        lock (Host.State.Gate)
        {
            foreach (var service in services)
            {
                Host.State.GetProject(Project).EnabledServices.Add(service);
            }
        }
    }
}
