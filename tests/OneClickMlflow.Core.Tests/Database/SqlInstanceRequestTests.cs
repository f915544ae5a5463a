using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Apis;
using Xunit;

namespace OneClickMlflow.Tests.Database;

/// <summary>
/// What the deployment sends Cloud SQL for its instance, read from the request bodies the emulator kept: a repair
/// in the same run would hide a wrong insert or patch from a read-back of the instance alone.
/// </summary>
public sealed class SqlInstanceRequestTests : DatabaseDeploymentTestBase
{
    protected override bool RecordExchanges => true;

    private List<JsonNode> InstanceBodies(string method)
    {
        var path = method == "POST" ? "/instances" : "/instances/" + Names.SqlInstanceName;
        return Host.Exchanges
            .Where(e => e.Api == "sql" && e.Method == method && e.Path.EndsWith(path, StringComparison.Ordinal))
            .Select(e => JsonNode.Parse(e.RequestBody ?? throw new InvalidOperationException($"{e.Method} {e.Path} was kept without its body"))!)
            .ToList();
    }

    [Fact]
    public async Task The_first_run_inserts_the_instance_once_private_and_protected_and_sends_no_patch_after_it()
    {
        await DeployAsync(Input());

        var settings = Assert.Single(InstanceBodies("POST"))["settings"]!;
        Assert.False(settings["ipConfiguration"]!["ipv4Enabled"]!.GetValue<bool>());
        Assert.True(settings["deletionProtectionEnabled"]!.GetValue<bool>());
        Assert.Empty(InstanceBodies("PATCH"));
    }

    [Fact]
    public async Task No_patch_turns_on_a_public_ip_and_the_instance_has_none_after_a_tier_change_and_a_repair()
    {
        await DeployAsync(Input());
        await DeployAsync(Input(tier: "db-custom-1-3840"));
        Edit(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Settings["deletionProtectionEnabled"] = false);
        await DeployAsync(Input());

        var patches = InstanceBodies("PATCH");
        Assert.Equal(2, patches.Count);
        Assert.All(patches, patch => Assert.False(patch["settings"]!["ipConfiguration"]!["ipv4Enabled"]!.GetValue<bool>()));
        var instance = await ReadInstanceAsync();
        Assert.False(instance.Settings!.IpConfiguration!.Ipv4Enabled);
        Assert.Equal("PRIVATE", Assert.Single(instance.IpAddresses!).Type);
    }
}
