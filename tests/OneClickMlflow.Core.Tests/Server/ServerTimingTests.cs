using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>With App Engine's real durations (scaled down), the version waits for its operation and says so while it does.</summary>
public sealed class ServerTimingTests : ServerDeploymentTestBase
{
    [Fact]
    public async Task A_long_version_create_reports_its_progress_and_traffic_moves_only_after_it()
    {
        Host.State.Latency.Set("realistic", 0.005);
        var events = new List<ResourceEvent>();
        using var session = await SessionAsync();
        var graph = DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(Input()), session);
        var engine = new DeploymentEngine(new DeploymentEngineOptions { OnEvent = e => { lock (events) { events.Add(e); } } });

        var report = await engine.ApplyAsync((await engine.PlanAsync(graph.Resources, CancellationToken.None)).ApproveAll(), CancellationToken.None);

        Assert.Empty(report.Failed);
        Assert.Contains(events, e => e.ResourceId == "server-version" && e.Phase == ResourcePhase.Applying
                                     && e.Message?.Contains("App Engine is deploying version") == true);
        var version = report.Resources.Single(r => r.ResourceId == "server-version");
        var traffic = report.Resources.Single(r => r.ResourceId == "server-traffic");
        var iap = report.Resources.Single(r => r.ResourceId == "iap");
        Assert.True(iap.EndedAt <= version.StartedAt, "IAP is on before the version is created");
        Assert.True(traffic.StartedAt is null || traffic.StartedAt >= version.EndedAt);
    }
}
