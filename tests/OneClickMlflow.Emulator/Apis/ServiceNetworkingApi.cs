using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The private services access connections, by consumer (project id, network name).</summary>
public sealed class ServiceNetworkingState : IDumpableState
{
    public Dictionary<(string Project, string Network), List<string>> Connections { get; } = new();

    public JsonNode Dump() => new JsonArray(Connections
        .Select(c => (JsonNode?)$"{c.Key.Project}/{c.Key.Network}: {string.Join(",", c.Value)}").ToArray());
}

/// <summary>
/// Service Networking v1: private services access connections (the VPC peering Cloud SQL's private IP needs).
/// Creating, updating and deleting a connection are long-running operations; the peering appears on the Compute
/// network when the operation completes.
/// </summary>
public sealed partial class ServiceNetworkingApi : IEmulatedApi
{
    public const string Service = "servicenetworking.googleapis.com";
    public const string PeeringName = "servicenetworking-googleapis-com";
    private const string ConnectionType = "type.googleapis.com/google.cloud.servicenetworking.v1.Connection";

    private static readonly MessageSchema Connection = new MessageSchema("google.cloud.servicenetworking.v1.Connection")
        .String("network").Strings("reservedPeeringRanges").String("peering").String("service");

    private static readonly MessageSchema DeleteConnectionRequest = new MessageSchema("google.cloud.servicenetworking.v1.DeleteConnectionRequest")
        .String("consumerNetwork", required: true);

    public ApiDescriptor Descriptor { get; } = new(
        "servicenetworking", "servicenetworking", RequiresAuthentication: true, EndpointOverride: "servicenetworking",
        ServiceName: Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var v1 = routes.MapGroup("/servicenetworking/v1");
        v1.MapPost("/services/{service}/connections", context => Create(context, state));
        v1.MapGet("/services/{service}/connections", context => List(context, state));
        v1.MapPatch("/services/{service}/connections/{connection}", context => Update(context, state));
        // deleteConnection is POST v1/services/{service}/connections/{connection}, without a custom-verb suffix
        // (the generated client's flat_path); a suffixed URL is not a method, so it falls through to a 404.
        v1.MapPost("/services/{service}/connections/{connection}", context => Delete(context, state));
        v1.MapGet("/operations/{id}", context =>
        {
            var name = "operations/" + context.Route("id");
            var operation = state.Operations.Find(name) ?? throw GoogleApiError.NotFound($"Operation '{name}' not found.");
            return context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
        });
    }

    private static async Task Create(HttpContext context, EmulatorState state)
    {
        RequireService(context);
        var body = await context.ReadBodyAsync(Connection);
        var (project, network) = Consumer(context, state, body["network"]?.GetValue<string>(), "servicenetworking.services.addPeering");
        var ranges = CheckRanges(state, project, network, body);
        var key = (project.ProjectId, network.Name);
        var operation = Start(state, project, "servicenetworking.connections.create", () =>
        {
            var connections = state.ApiState<ServiceNetworkingState>().Connections;
            if (connections.TryGetValue(key, out var existing) && !existing.ToHashSet().SetEquals(ranges))
            {
                throw GoogleApiError.FailedPrecondition(
                    "Cannot modify allocated ranges in CreateConnection. Please use UpdateConnection.");
            }
            Connect(state, project, network, ranges);
            return ConnectionJson(project, network, ranges, withType: true);
        });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static async Task Update(HttpContext context, EmulatorState state)
    {
        RequireService(context);
        // "The update mask. If this is omitted, it defaults to "*"." (updateMask docstring in the generated
        // servicenetworking v1 messages); gcloud's UpdateConnection sends none.
        var mask = context.Query("updateMask") ?? "*";
        if (!mask.Split(',').Select(m => m.Trim()).Any(m => m is "*" or "reservedPeeringRanges" or "reserved_peering_ranges"))
        {
            throw GoogleApiError.InvalidArgument("Update mask must contain reserved_peering_ranges.", "update_mask");
        }
        if (context.Route("connection") is not ("-" or PeeringName))
        {
            throw GoogleApiError.NotFound($"Connection {context.Route("connection")} not found.");
        }
        var body = await context.ReadBodyAsync(Connection);
        var (project, network) = Consumer(context, state, body["network"]?.GetValue<string>(), "servicenetworking.services.addPeering");
        var ranges = CheckRanges(state, project, network, body);
        var key = (project.ProjectId, network.Name);
        var operation = Start(state, project, "servicenetworking.connections.update", () =>
        {
            if (!state.ApiState<ServiceNetworkingState>().Connections.ContainsKey(key))
            {
                throw GoogleApiError.NotFound($"No connection found for network '{ConsumerName(project, network)}'.");
            }
            Connect(state, project, network, ranges);
            return ConnectionJson(project, network, ranges, withType: true);
        });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    private static async Task Delete(HttpContext context, EmulatorState state)
    {
        if (context.Route("connection").Contains(':'))
        {
            throw GoogleApiError.UnknownUrl(context);
        }
        RequireService(context);
        if (context.Route("connection") is not ("-" or PeeringName))
        {
            throw GoogleApiError.NotFound($"Connection {context.Route("connection")} not found.");
        }
        var body = await context.ReadBodyAsync(DeleteConnectionRequest);
        var (project, network) = Consumer(context, state, body["consumerNetwork"]?.GetValue<string>(), "servicenetworking.services.deleteConnection");
        var key = (project.ProjectId, network.Name);
        var operation = Start(state, project, "servicenetworking.connections.delete", () =>
        {
            if (!state.ApiState<ServiceNetworkingState>().Connections.ContainsKey(key))
            {
                throw GoogleApiError.NotFound($"No connection found for network '{ConsumerName(project, network)}'.");
            }
            if (ProducersOn(state, project, network.Name).Any())
            {
                // Google's answer while a Cloud SQL instance (a producer service) still has an address on the peering.
                throw GoogleApiError.FailedPrecondition(
                    "Failed to delete connection; Producer services (e.g. CloudSQL, Cloud Memstore, etc.) are still using this connection.");
            }
            state.ApiState<ServiceNetworkingState>().Connections.Remove(key);
            network.Peerings.RemoveAll(p => p["name"]?.GetValue<string>() == PeeringName);
            return new JsonObject { ["@type"] = "type.googleapis.com/google.protobuf.Empty" };
        });
        await context.WriteJsonAsync(state.Operations.Render(operation, o => o.ToLongRunningJson()));
    }

    /// <summary>
    /// Cloud SQL instances whose private IP is on the network, and those deleted so recently that Google still keeps
    /// their producer resources there (<see cref="CloudSqlState.ProducerHoldAfterDelete"/>).
    /// </summary>
    private static IEnumerable<string> ProducersOn(EmulatorState state, ProjectState project, string networkName)
    {
        var sql = state.ApiState<CloudSqlState>();
        var now = state.Clock.GetUtcNow();
        var running = sql.Instances.Values.Where(instance =>
                instance.Settings["ipConfiguration"]?["privateNetwork"]?.GetValue<string>() is { Length: > 0 } privateNetwork
                && CloudSqlSettings.ParseNetwork(privateNetwork) is { } parsed
                && parsed.Network == networkName
                && state.FindProject(parsed.Project)?.ProjectId == project.ProjectId)
            .Select(instance => instance.Name);
        var held = sql.ProducerHolds.Where(h => h.Project == project.ProjectId && h.Network == networkName && h.Until > now)
            .Select(h => h.Instance);
        return running.Concat(held);
    }

    private static async Task List(HttpContext context, EmulatorState state)
    {
        RequireService(context);
        var (project, network) = Consumer(context, state, context.Query("network"), "servicenetworking.services.get");
        var body = new JsonObject();
        lock (state.Gate)
        {
            if (state.ApiState<ServiceNetworkingState>().Connections.TryGetValue((project.ProjectId, network.Name), out var ranges))
            {
                body["connections"] = new JsonArray(ConnectionJson(project, network, ranges, withType: false));
            }
        }
        await context.WriteJsonAsync(body);
    }

    private static void RequireService(HttpContext context)
    {
        if (context.Route("service") != Service)
        {
            throw GoogleApiError.NotFound($"Service '{context.Route("service")}' not found or permission denied.");
        }
    }

    /// <summary>
    /// The consumer project and network from <c>projects/{NUMBER}/global/networks/{n}</c>: the project is named by
    /// its number, Service Networking is enabled on it, the caller may peer, and the network exists.
    /// </summary>
    private static (ProjectState, ComputeNetwork) Consumer(HttpContext context, EmulatorState state, string? name, string permission)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw GoogleApiError.InvalidArgument("Network must be set, in the form projects/{project_number}/global/networks/{network}.", "network");
        }
        var match = ConsumerNetworkPattern().Match(name);
        if (!match.Success)
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid network name '{name}': expected projects/{{project_number}}/global/networks/{{network}}, " +
                "with the project given by its number.", "network");
        }
        var project = state.FindProject(match.Groups["number"].Value);
        if (project is null || !state.HasPermission(context.Caller(), project, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied on resource 'projects/{match.Groups["number"].Value}' (or it may not exist).",
                "IAM_PERMISSION_DENIED");
        }
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "Service Networking API");
            var network = state.ApiState<ComputeState>().Networks.GetValueOrDefault((project.ProjectId, match.Groups["network"].Value));
            return (project, network ?? throw GoogleApiError.FailedPrecondition(
                $"The network '{name}' does not exist in the consumer project."));
        }
    }

    /// <summary>Each range must be a VPC_PEERING global address on the consumer network.</summary>
    private static List<string> CheckRanges(EmulatorState state, ProjectState project, ComputeNetwork network, JsonObject body)
    {
        var ranges = (body["reservedPeeringRanges"] as JsonArray ?? body["reserved_peering_ranges"] as JsonArray ?? new JsonArray())
            .Select(r => r!.GetValue<string>()).Distinct().ToList();
        if (ranges.Count == 0)
        {
            throw GoogleApiError.InvalidArgument("At least one reserved peering range must be given.", "reserved_peering_ranges");
        }
        lock (state.Gate)
        {
            var addresses = state.ApiState<ComputeState>().Addresses;
            foreach (var range in ranges)
            {
                if (!addresses.TryGetValue((project.ProjectId, range), out var address)
                    || address.Purpose != "VPC_PEERING" || address.NetworkName != network.Name)
                {
                    throw GoogleApiError.FailedPrecondition(
                        $"Allocated IP range '{range}' not found in network {ConsumerName(project, network)}. Reserve it " +
                        "first as a global address with purpose VPC_PEERING on that network.");
                }
            }
        }
        return ranges;
    }

    /// <summary>Records the connection and shows the peering on the Compute network, as Google does.</summary>
    private static void Connect(EmulatorState state, ProjectState project, ComputeNetwork network, List<string> ranges)
    {
        state.ApiState<ServiceNetworkingState>().Connections[(project.ProjectId, network.Name)] = ranges;
        if (network.Peerings.Any(p => p["name"]?.GetValue<string>() == PeeringName))
        {
            return;
        }
        network.Peerings.Add(new JsonObject
        {
            ["name"] = PeeringName,
            ["network"] = $"https://www.googleapis.com/compute/v1/projects/{TenantProject(project)}/global/networks/servicenetworking",
            ["state"] = "ACTIVE",
            ["stateDetails"] = $"[{state.Clock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss}Z]: Connected.",
            ["autoCreateRoutes"] = true,
            ["exportCustomRoutes"] = false,
            ["importCustomRoutes"] = false,
            ["exchangeSubnetRoutes"] = true,
            ["exportSubnetRoutesWithPublicIp"] = false,
            ["importSubnetRoutesWithPublicIp"] = false,
            ["stackType"] = "IPV4_ONLY",
        });
    }

    private static EmulatedOperation Start(EmulatorState state, ProjectState project, string kind, Func<JsonNode?> complete) =>
        state.Operations.Start($"operations/pssn.p24-{project.ProjectNumber}-{Guid.NewGuid()}", kind, complete);

    private static JsonObject ConnectionJson(ProjectState project, ComputeNetwork network, IEnumerable<string> ranges, bool withType)
    {
        var json = new JsonObject();
        if (withType)
        {
            json["@type"] = ConnectionType;
        }
        json["network"] = ConsumerName(project, network);
        json["reservedPeeringRanges"] = new JsonArray(ranges.Select(r => (JsonNode?)r).ToArray());
        json["peering"] = PeeringName;
        json["service"] = "services/" + Service;
        return json;
    }

    private static string ConsumerName(ProjectState project, ComputeNetwork network) =>
        $"projects/{project.ProjectNumber}/global/networks/{network.Name}";

    /// <summary>The Google-owned tenant project on the other side of the peering (stable per consumer).</summary>
    private static string TenantProject(ProjectState project) =>
        "x" + ((ulong)project.ProjectNumber * 2_654_435_761UL % 1_000_000_000_000UL).ToString("x") + "-tp";

    [GeneratedRegex("^projects/(?<number>[0-9]+)/global/networks/(?<network>[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$")]
    private static partial Regex ConsumerNetworkPattern();
}
