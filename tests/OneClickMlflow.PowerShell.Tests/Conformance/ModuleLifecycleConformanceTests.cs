using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Prerequisites;
using OneClickMlflow.Tokens;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Conformance;

/// <summary>
/// A whole lifecycle driven through the cmdlets against one recording emulator; then every request the module sent
/// and every answer the emulator gave is checked against Google's generated definitions.
/// </summary>
/// <remarks>
/// Runs in the emulator collection: it points the process environment at its own emulator while the cmdlets run.
/// </remarks>
[Collection(EmulatorCollection.Name)]
public sealed class ModuleLifecycleConformanceTests
{
    private const string Project = "conformance-lifecycle";
    private const string Region = "-Region europe-west1";
    private const string Repository = "europe-west1-docker.pkg.dev/" + Project + "/mlflow/mlflow@sha256:";
    private static readonly string FirstImage = Repository + new string('a', 64);
    private static readonly string SecondImage = Repository + new string('b', 64);

    private readonly ITestOutputHelper output;

    public ModuleLifecycleConformanceTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task Every_request_and_answer_of_a_whole_lifecycle_conforms_to_googles_definitions()
    {
        var scripts = ConformanceScripts.Find(output);
        if (scripts is null)
        {
            return;
        }
        await using var host = await EmulatorHost.StartAsync(ConformanceScripts.RecordingOptions(Project));
        using (ProcessEnvironment.Use(host.Environment))
        {
            RunLifecycle(host);
        }

        var outcome = await scripts.CheckAsync(host.Exchanges);

        output.WriteLine(outcome.Report);
        var unexpected = outcome.Findings.Where(f => !OpenModuleFindings.Any(open => Matches(f, open))).ToList();
        var fixedOnes = OpenModuleFindings.Where(open => !outcome.Findings.Any(f => Matches(f, open))).ToList();
        Assert.True(unexpected.Count == 0,
            $"{unexpected.Count} requests or answers break Google's definitions:\n{string.Join("\n", unexpected)}\n{outcome.Summary}");
        Assert.True(fixedOnes.Count == 0,
            "No longer found, remove from OpenModuleFindings: " + string.Join("; ", fixedOnes.Select(f => f.Request + " " + f.Rule)));
    }

    private static bool Matches(string finding, (string Request, string Rule, string Why) open) =>
        finding.StartsWith(open.Request, System.StringComparison.Ordinal) && finding.Contains(" -- " + open.Rule, System.StringComparison.Ordinal);

    /// <summary>
    /// Requests the module sends that Google's definitions do not have, while each is being fixed in the module (none
    /// today). The test fails on any other finding, and on an entry here that no longer occurs (so the list only shrinks).
    /// </summary>
    private static readonly (string Request, string Rule, string Why)[] OpenModuleFindings = System.Array.Empty<(string, string, string)>();

    private static void RunLifecycle(EmulatorHost host)
    {
        // First deploy, then a re-run that changes nothing.
        var first = Deploy($"-ProjectId {Project} {Region} -Image {FirstImage} -WebAppUser user:alice@example.com");
        Assert.Equal(0, Deploy($"-ProjectId {Project} {Region} -Image {FirstImage} -WebAppUser user:alice@example.com").ChangeCount);

        // A changed re-run: another image, another web user, another database tier.
        var changedArguments = $"-ProjectId {Project} {Region} -Image {SecondImage} -WebAppUser user:alice@example.com,user:bob@example.com -DatabaseTier db-g1-small";
        Assert.NotEqual(0, Deploy(changedArguments).ChangeCount);

        // Drift behind the module's back, repaired by a re-run: bucket versioning off, a web user's IAP access gone,
        // the peering range dropped from the connection, the database password's secret versions disabled.
        var names = DeploymentNames.For(Project);
        lock (host.State.Gate)
        {
            host.State.ApiState<StorageState>().Buckets[names.BucketName].Settings["versioning"] = new JsonObject { ["enabled"] = false };
            host.State.ApiState<ServiceNetworkingState>().Connections[(Project, names.NetworkName)] = new List<string>();
            host.State.ApiState<SecretManagerState>().Secrets[(Project, names.DatabasePasswordSecretName)].Versions
                .ForEach(v => v.State = "DISABLED");
            foreach (var service in host.State.ApiState<AppEngineState>().Apps[Project].Services.Values)
            {
                var policy = service.IapPolicy.ToJson();
                foreach (var members in (policy["bindings"] as JsonArray ?? new JsonArray()).Select(b => b!["members"]!.AsArray()))
                {
                    members.Where(m => (string?)m == "user:bob@example.com").ToList().ForEach(m => members.Remove(m));
                }
                service.IapPolicy.Replace(policy, updateMask: null);
            }
        }
        Assert.NotEqual(0, Deploy(changedArguments).ChangeCount);

        // A second deployment in the same project, on the first one's network (an existing -NetworkName network).
        var second = Deploy($"-ProjectId {Project} {Region} -Name team-b -NetworkName {first.Network} -Image {FirstImage}");
        Assert.Equal(first.Network, second.Network);
        Assert.Equal(2, Run($"Get-MlflowDeployment -ProjectId {Project}").Output.Count);

        // A deployment on a custom subnet mode network (made by someone else): App Engine needs its subnetwork.
        lock (host.State.Gate)
        {
            var compute = host.State.ApiState<ComputeState>();
            compute.Networks[(Project, "custom-net")] = new ComputeNetwork
            {
                ProjectId = Project, Name = "custom-net", Id = compute.NewId(), Created = System.DateTimeOffset.UtcNow, AutoCreateSubnetworks = false,
            };
            compute.Subnetworks[(Project, "europe-west1", "custom-subnet")] = new ComputeSubnetwork
            {
                ProjectId = Project, Region = "europe-west1", Name = "custom-subnet", Id = compute.NewId(), Created = System.DateTimeOffset.UtcNow,
                NetworkName = "custom-net", IpCidrRange = "10.250.0.0/24", PrivateIpGoogleAccess = true,
            };
        }
        var custom = Deploy($"-ProjectId {Project} {Region} -Name team-c -NetworkName custom-net -SubnetworkName custom-subnet -Image {FirstImage}");
        Assert.Equal("custom-net", custom.Network);

        // Tokens: by project and name (the service is looked up), by name with -Refresh, and by tracking URI.
        Assert.IsType<MlflowTrackingToken>(Run($"Get-MlflowTrackingToken -ProjectId {Project} -AsPlainText").Output.Single().BaseObject);
        Assert.IsType<MlflowTrackingToken>(Run($"Get-MlflowTrackingToken -ProjectId {Project} -Name team-b -Refresh").Output.Single().BaseObject);
        Assert.IsType<MlflowTrackingToken>(Run($"Get-MlflowTrackingToken -TrackingUri {first.TrackingUri} -Refresh").Output.Single().BaseObject);

        // The prerequisite checks (APIs and permissions; whether Docker runs here does not matter to this test).
        var report = Assert.IsType<PrerequisiteReport>(Run($"Test-MlflowPrerequisite -ProjectId {Project}").Output.Single().BaseObject);
        Assert.Empty(report.MissingPermissions);

        // Every removal mode: the plan only, -DeleteData on the deployment with a brought network, the default that keeps the data.
        Assert.NotEmpty(Run($"Remove-MlflowDeployment -ProjectId {Project} -Name team-b -PlanOnly").Output);
        Assert.Empty(Removal("-Name team-c -DeleteData").NotRemoved);
        var deleted = Removal($"-Name team-b -DeleteData");
        Assert.False(deleted.ArtifactBucketKept);
        var kept = Removal("-Name mlflow");
        Assert.True(kept.ArtifactBucketKept);
        Assert.True(kept.FinishLater);
        // Days later Cloud SQL releases the peering, and a second removal deletes the connection, range and network.
        lock (host.State.Gate)
        {
            host.State.ApiState<CloudSqlState>().ProducerHolds.Clear();
        }
        Assert.Contains(Removal("-Name mlflow").Removed, r => r.ResourceId == "network");
    }

    private static PowerShellResult Run(string script)
    {
        var result = PowerShellRunner.Run(script);
        Assert.True(result.Errors.Count == 0, $"{script}: {string.Join("; ", result.Errors.Select(e => e.Exception.Message))}");
        return result;
    }

    private static MlflowDeployment Deploy(string arguments) =>
        Assert.IsType<MlflowDeployment>(Run("New-MlflowDeployment " + arguments).Output.Single().BaseObject);

    private static Deployment.Removal.MlflowDeploymentRemoval Removal(string arguments)
    {
        var report = Assert.IsType<Deployment.Removal.MlflowDeploymentRemoval>(
            Run($"Remove-MlflowDeployment -ProjectId {Project} {arguments} -Force").Output.Single().BaseObject);
        Assert.Empty(report.NotRemoved);
        return report;
    }
}
