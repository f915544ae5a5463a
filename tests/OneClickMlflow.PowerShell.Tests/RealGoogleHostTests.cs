using System.Linq;
using System.Net;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// While the API endpoints are the emulator's, no cmdlet contacts one of Google's real hosts (*.googleapis.com,
/// *.pkg.dev, ...), whatever it is given: what would need one is refused before any request instead.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RealGoogleHostTests
{
    private const string Project = "ps-real-hosts";
    private readonly EmulatorFixture emulator;

    public RealGoogleHostTests(EmulatorFixture emulator)
    {
        this.emulator = emulator;
        if (emulator.Host.State.FindProject(Project) == null)
        {
            emulator.Host.State.AddProject(Project);
            emulator.Host.State.Grant(Project, "roles/owner", emulator.Deployer);
        }
    }

    [Fact]
    public void No_cmdlet_contacts_a_real_Google_host_while_the_endpoints_are_the_emulator_s()
    {
        using var recorder = new HostRecorder();

        var refused = new[]
        {
            $"New-MlflowDeployment -ProjectId {Project} -Region europe-west1 -Image ''",
            $"New-MlflowDeployment -ProjectId {Project} -Region europe-west1",
            $"New-MlflowDeployment -ProjectId {Project} -Region europe-west1 -Image europe-west1-docker.pkg.dev/{Project}/mlflow/mlflow:3.1.0",
            $"Publish-MlflowImage -ProjectId {Project} -Region europe-west1",
        }.Select(command => PowerShellRunner.Run(command)).ToList();
        var worked = new[]
        {
            $"New-MlflowDeployment {TestImage.Argument} -ProjectId {Project} -Region europe-west1",
            $"Get-MlflowDeployment -ProjectId {Project}",
            $"Get-MlflowTrackingToken -ProjectId {Project} -Refresh",
            $"Remove-MlflowDeployment -ProjectId {Project} -Name mlflow -Force",
        }.Select(command => PowerShellRunner.Run(command)).ToList();

        var hosts = recorder.Hosts.Distinct().ToList();
        Assert.DoesNotContain(hosts, host => new[] { "googleapis.com", "pkg.dev", "gcr.io", "google.com", "appspot.com" }
            .Any(domain => host == domain || host.EndsWith("." + domain, System.StringComparison.Ordinal)));
        Assert.All(hosts, host => Assert.True(host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)),
            $"{host} is not this machine"));
        Assert.Contains(emulator.Host.BaseUri.Host, hosts); // the recorder sees the module's requests
        Assert.All(refused, result => Assert.IsType<InvalidDeploymentInputException>(Assert.Single(result.Errors).Exception));
        Assert.All(worked, result => Assert.Empty(result.Errors));
    }
}
