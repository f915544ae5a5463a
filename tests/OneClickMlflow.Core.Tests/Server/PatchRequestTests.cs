using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using System.Web;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// Every PATCH over a deployment's life names the fields it changes in updateMask, read from the requests the
/// emulator kept. Without a mask Google replaces every field the body leaves out (App Engine, Service Networking,
/// Artifact Registry, Secret Manager, IAM); Cloud SQL, Cloud Storage and Compute merge and take none.
/// </summary>
public sealed class PatchRequestTests : ServerDeploymentTestBase
{
    private static readonly string[] MergingApis = { "sql", "storage", "compute" };

    protected override bool RecordExchanges => true;

    [Fact]
    public async Task Each_patch_of_an_api_with_field_masks_names_every_field_of_its_body_in_updateMask()
    {
        await DeployAsync(Input(TestImages.First, webUsers: "user:alice@example.com"));
        await DeployAsync(Input(TestImages.Second, webUsers: "user:bob@example.com"));
        await RemoveAsync(Input(TestImages.Second));

        var patches = Host.Exchanges.Where(e => e.Method == "PATCH" && !MergingApis.Contains(e.Api)).ToList();
        Assert.Contains(patches, p => p.Api == "appengine" && p.Path.EndsWith("/services/default", StringComparison.Ordinal));
        Assert.Contains(patches, p => p.Api == "appengine" && p.Path.EndsWith("/apps/" + Project, StringComparison.Ordinal));
        Assert.All(patches, patch =>
        {
            var mask = HttpUtility.ParseQueryString(patch.Query)["updateMask"];
            Assert.False(string.IsNullOrEmpty(mask), $"{patch.Path} was patched without updateMask");
            var named = mask!.Split(',').Select(f => f.Split('.')[0].Replace("_", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            // An etag is the precondition Google compares, not a field it writes.
            var sent = JsonNode.Parse(patch.RequestBody!)!.AsObject().Select(field => field.Key).Where(field => field != "etag");
            Assert.All(sent, field => Assert.True(named.Contains(field), $"{patch.Path} sends {field} outside updateMask={mask}"));
        });
    }
}
