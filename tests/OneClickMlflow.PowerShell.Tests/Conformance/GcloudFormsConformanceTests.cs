using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Conformance;

/// <summary>
/// The emulator accepts the requests gcloud's own generated clients build for every operation the module uses,
/// and answers them in shapes Google's response messages can hold.
/// </summary>
public sealed class GcloudFormsConformanceTests
{
    private const string Project = "gcloud-forms";

    private readonly ITestOutputHelper output;

    public GcloudFormsConformanceTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task Gcloud_built_requests_are_accepted_and_every_exchange_passes_the_checker()
    {
        var scripts = ConformanceScripts.Find(output);
        if (scripts is null)
        {
            return;
        }
        await using var host = await EmulatorHost.StartAsync(ConformanceScripts.RecordingOptions(Project));

        var sent = await scripts.SendGcloudFormsAsync(host, Project);
        var exchanges = host.Exchanges;
        var checkedOutcome = await scripts.CheckAsync(exchanges);

        output.WriteLine(sent.Summary + checkedOutcome.Summary);
        Assert.True(sent.ExitCode == 0, "The emulator refused gcloud's forms:\n" + sent.Report);
        Assert.True(checkedOutcome.ExitCode == 0, "The checker found problems in the gcloud exchanges:\n" + checkedOutcome.Report);
        // The forms that differ from the module's today: deleteConnection without a verb, patch without a mask, 'iap,'.
        const string connection = "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections/-";
        Assert.Contains(exchanges, e => e.Method == "POST" && e.Path == connection && e.Status == 200);
        Assert.Contains(exchanges, e => e.Method == "PATCH" && e.Path == connection && !e.Query.Contains("updateMask") && e.Status == 200);
        Assert.Contains(exchanges, e => e.Method == "PATCH" && e.Path == "/appengine/v1/apps/" + Project && e.Query.Contains("updateMask=iap%2C") && e.Status == 200);
        Assert.True(exchanges.Count(e => e.Api != "oauth2") >= 50, $"only {exchanges.Count} exchanges were recorded");
    }
}
