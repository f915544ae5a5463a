using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Private IP through private services access: the instance's network needs a Service Networking connection, and
/// its address comes from one of the connection's allocated ranges (Compute global addresses).
/// </summary>
public static class CloudSqlPrivateIp
{
    /// <summary>
    /// The allocated range (a Compute address) the instance will take its IP from, or null without private IP. The
    /// settings' network is already normalized (<see cref="CloudSqlSettings.NormalizeNetwork"/>).
    /// </summary>
    public static ComputeAddress? CheckNetwork(EmulatorState state, ProjectState project, JsonObject settings)
    {
        var ip = settings["ipConfiguration"]!;
        var privateNetwork = ip["privateNetwork"]?.GetValue<string>();
        if (string.IsNullOrEmpty(privateNetwork))
        {
            return null;
        }
        var parsed = CloudSqlSettings.ParseNetwork(privateNetwork)!.Value;
        lock (state.Gate)
        {
            var networkProject = state.FindProject(parsed.Project);
            var network = networkProject is null
                ? null
                : state.ApiState<ComputeState>().Networks.GetValueOrDefault((networkProject.ProjectId, parsed.Network));
            if (networkProject is null || network is null)
            {
                throw CloudSqlErrors.Invalid($"The network projects/{parsed.Project}/global/networks/{parsed.Network} does not exist.");
            }
            if (!state.ApiState<ServiceNetworkingState>().Connections.TryGetValue((networkProject.ProjectId, network.Name), out var ranges))
            {
                throw CloudSqlErrors.Create(400, "FAILED_PRECONDITION", "failedPrecondition",
                    "Failed to create subnetwork. Please create Service Networking connection with service " +
                    $"'servicenetworking.googleapis.com' from consumer project '{networkProject.ProjectNumber}' network " +
                    $"'{network.Name}' again.");
            }
            var wanted = ip["allocatedIpRange"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(wanted) && !ranges.Contains(wanted))
            {
                throw CloudSqlErrors.Invalid(
                    $"The allocated IP range [{wanted}] is not one of the ranges of the Service Networking connection " +
                    $"on network '{network.Name}'.");
            }
            var addresses = state.ApiState<ComputeState>().Addresses;
            return addresses.GetValueOrDefault((networkProject.ProjectId, string.IsNullOrEmpty(wanted) ? ranges[0] : wanted))
                ?? throw CloudSqlErrors.Invalid($"The allocated IP range of network '{network.Name}' no longer exists.");
        }
    }

    /// <summary>The first free address of the range, after the network, gateway and reserved addresses. Call under the gate.</summary>
    public static string Allocate(EmulatorState state, ProjectState project, ComputeAddress range)
    {
        var used = state.ApiState<CloudSqlState>().Instances.Values
            .Where(i => i.PrivateIp is not null)
            .Select(i => Ipv4.Parse(i.PrivateIp!))
            .ToHashSet();
        var start = Ipv4.Parse(range.Address);
        var size = 1u << (32 - (range.PrefixLength ?? 24));
        for (var candidate = start + 3; candidate < start + size - 1; candidate++)
        {
            if (!used.Contains(candidate))
            {
                return Ipv4.Format(candidate);
            }
        }
        throw CloudSqlErrors.Create(400, "FAILED_PRECONDITION", "ipRangeExhausted",
            $"The allocated IP range '{range.Name}' has no free addresses left.");
    }
}
