using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Compute Engine v1 regional subnetworks (compute_v1_client SubnetworksService: insert, get, list, aggregatedList,
/// delete, getIamPolicy, setIamPolicy) and the regional operations their mutations start.
/// </summary>
public sealed partial class ComputeApi
{
    private static void MapSubnetworks(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var regional = routes.MapGroup("/compute/compute/v1/projects/{project}/regions/{region}");
        regional.MapPost("/subnetworks", context => InsertSubnetwork(context, state));
        regional.MapGet("/subnetworks", context => ListSubnetworks(context, state));
        regional.MapGet("/subnetworks/{name}", context => GetSubnetwork(context, state));
        regional.MapDelete("/subnetworks/{name}", context => DeleteSubnetwork(context, state));
        regional.MapGet("/subnetworks/{name}/getIamPolicy", context => GetSubnetworkPolicy(context, state));
        regional.MapPost("/subnetworks/{name}/setIamPolicy", context => SetSubnetworkPolicy(context, state));
        regional.MapGet("/operations/{operation}", context => GetOperation(context, state, wait: false, regional: true));
        regional.MapPost("/operations/{operation}/wait", context => GetOperation(context, state, wait: true, regional: true));
        routes.MapGet("/compute/compute/v1/projects/{project}/aggregated/subnetworks", context => AggregatedSubnetworks(context, state));
    }

    private static (string Project, string Region, string Name) SubnetworkKey(HttpContext context) =>
        (context.Route("project"), context.Route("region"), context.Route("name"));

    private static string SubnetworkPath((string Project, string Region, string Name) key) =>
        ComputeLinks.RegionalRelative(key.Project, key.Region, "subnetworks", key.Name);

    /// <summary>Compute answers an unknown region in the path with this (seen as gcloud's "Unknown region").</summary>
    private static void RequireKnownRegion(string region)
    {
        if (!ComputeRegions.IsKnown(region))
        {
            throw ComputeErrors.InvalidField("region", region, "Unknown region.");
        }
    }

    private static async Task InsertSubnetwork(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ComputeSchemas.Subnetwork);
        var projectId = context.Route("project");
        var region = context.Route("region");
        var name = body["name"]?.GetValue<string>();
        var key = (projectId, region, name ?? "");
        Project(context, state, "compute.subnetworks.create", SubnetworkPath(key));
        RequireValidName(name);
        RequireKnownRegion(region);
        var compute = state.ApiState<ComputeState>();
        ComputeSubnetwork subnetwork;
        lock (state.Gate)
        {
            var network = SubnetworkNetwork(compute, projectId, body["network"]?.GetValue<string>());
            var range = body["ipCidrRange"]?.GetValue<string>() ?? "";
            RequireFreeRange(compute, projectId, network, range);
            subnetwork = new ComputeSubnetwork
            {
                ProjectId = projectId,
                Region = region,
                Name = name!,
                Id = compute.NewId(),
                Created = state.Clock.GetUtcNow(),
                Description = body["description"]?.GetValue<string>(),
                NetworkName = network.Name,
                IpCidrRange = range,
                PrivateIpGoogleAccess = body["privateIpGoogleAccess"]?.GetValue<bool>() ?? false,
            };
        }
        var isRetry = context.Query("requestId") is { } requestId && HasRequest(state, compute, projectId, requestId);
        lock (state.Gate)
        {
            if (!isRetry && compute.Subnetworks.ContainsKey(key))
            {
                throw ComputeErrors.AlreadyExists(SubnetworkPath(key));
            }
        }
        var operation = ComputeOperations.Start(context, state, projectId, "compute.subnetworks.insert", "insert",
            ComputeLinks.Regional(state, projectId, region, "subnetworks", name!), subnetwork.Id, () =>
            {
                if (!compute.Subnetworks.TryAdd(key, subnetwork))
                {
                    throw ComputeErrors.AlreadyExists(SubnetworkPath(key));
                }
            }, region);
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    /// <summary>The network a subnetwork insert names: required, existing, and in the subnetwork's own project.</summary>
    private static ComputeNetwork SubnetworkNetwork(ComputeState compute, string projectId, string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            // Modelled: Compute requires the network of a new subnetwork.
            throw ComputeErrors.InvalidField("resource.network", "", "The network must be specified.");
        }
        var network = FindNetwork(compute, projectId, reference, "resource.network");
        if (network.ProjectId != projectId)
        {
            // Modelled: a subnetwork lives in its network's project (Shared VPC hosts share theirs, they do not lend them).
            throw ComputeErrors.InvalidField("resource.network", reference, "The network must be in the project of the subnetwork.");
        }
        return network;
    }

    /// <summary>
    /// An IPv4 range of /8 to /29 that overlaps no other subnetwork or allocated range of the network. The conflict
    /// message is Compute's; the other messages are modelled on it.
    /// </summary>
    private static void RequireFreeRange(ComputeState compute, string projectId, ComputeNetwork network, string range)
    {
        var parts = range.Split('/');
        if (parts.Length != 2 || !Ipv4.TryParse(parts[0], out var start)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 8 or > 29
            || (start & ~(uint.MaxValue << (32 - prefix))) != 0)
        {
            throw ComputeErrors.InvalidField("resource.ipCidrRange", range, $"Invalid IPCidrRange: {range}.");
        }
        var subnet = compute.SubnetworksOn(projectId, network.Name)
            .FirstOrDefault(s => Ipv4.Overlap(start, prefix, s.Start, s.PrefixLength));
        if (subnet is not null)
        {
            throw ComputeErrors.InvalidField("resource.ipCidrRange", range,
                $"Invalid IPCidrRange: {range} conflicts with existing subnetwork '{subnet.Name}' in region '{subnet.Region}'.");
        }
        if (network.AutoCreateSubnetworks && Ipv4.Overlap(start, prefix, Ipv4.Parse("10.128.0.0"), 9))
        {
            throw ComputeErrors.InvalidField("resource.ipCidrRange", range,
                $"Invalid IPCidrRange: {range} conflicts with 10.128.0.0/9, reserved for the automatic subnetworks of network '{network.Name}'.");
        }
        var allocated = compute.AddressesOn(projectId, network.Name)
            .FirstOrDefault(a => a.PrefixLength is int p && Ipv4.Overlap(start, prefix, Ipv4.Parse(a.Address), p));
        if (allocated is not null)
        {
            throw ComputeErrors.InvalidField("resource.ipCidrRange", range,
                $"Invalid IPCidrRange: {range} conflicts with the allocated range '{allocated.Name}'.");
        }
    }

    private static async Task GetSubnetwork(HttpContext context, EmulatorState state)
    {
        var key = SubnetworkKey(context);
        Project(context, state, "compute.subnetworks.get", SubnetworkPath(key));
        JsonObject? json;
        lock (state.Gate)
        {
            json = state.ApiState<ComputeState>().Subnetworks.GetValueOrDefault(key) is { } s ? ComputeViews.Subnetwork(state, s) : null;
        }
        await context.WriteJsonAsync(json ?? throw ComputeErrors.NotFound(SubnetworkPath(key)));
    }

    private static async Task ListSubnetworks(HttpContext context, EmulatorState state)
    {
        var project = context.Route("project");
        var region = context.Route("region");
        Project(context, state, "compute.subnetworks.list", $"projects/{project}");
        RequireKnownRegion(region);
        var nameFilter = ComputeListFilter.Parse(context.Query("filter"));
        List<JsonObject> items;
        lock (state.Gate)
        {
            items = InRegion(state, project, region, nameFilter).ToList();
        }
        await context.WriteJsonAsync(ListBody(state, "compute#subnetworkList", $"projects/{project}/regions/{region}/subnetworks", items));
    }

    /// <summary>Every known region, each with its subnetworks or Compute's NO_RESULTS_ON_PAGE warning, as gcloud's lister reads it.</summary>
    private static async Task AggregatedSubnetworks(HttpContext context, EmulatorState state)
    {
        var project = context.Route("project");
        Project(context, state, "compute.subnetworks.list", $"projects/{project}");
        var nameFilter = ComputeListFilter.Parse(context.Query("filter"));
        var scopes = new JsonObject();
        lock (state.Gate)
        {
            foreach (var region in ComputeRegions.AutoModeRanges.Keys)
            {
                var items = InRegion(state, project, region, nameFilter).ToArray<JsonNode?>();
                scopes["regions/" + region] = items.Length > 0
                    ? new JsonObject { ["subnetworks"] = new JsonArray(items) }
                    : new JsonObject
                    {
                        ["warning"] = new JsonObject
                        {
                            ["code"] = "NO_RESULTS_ON_PAGE",
                            ["message"] = "There are no results for scope 'regions/" + region + "' on this page.",
                            ["data"] = new JsonArray(new JsonObject { ["key"] = "scope", ["value"] = "regions/" + region }),
                        },
                    };
            }
        }
        await context.WriteJsonAsync(new JsonObject
        {
            ["kind"] = "compute#subnetworkAggregatedList",
            ["id"] = $"projects/{project}/aggregated/subnetworks",
            ["items"] = scopes,
            ["selfLink"] = $"{ComputeLinks.Base(state)}projects/{project}/aggregated/subnetworks",
        });
    }

    private static IEnumerable<JsonObject> InRegion(EmulatorState state, string project, string region, Func<string, bool> nameFilter) =>
        state.ApiState<ComputeState>().Subnetworks.Values
            .Where(s => s.ProjectId == project && s.Region == region && nameFilter(s.Name))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => ComputeViews.Subnetwork(state, s));

    /// <summary>An automatic subnetwork goes only with its network (modelled message).</summary>
    private static async Task DeleteSubnetwork(HttpContext context, EmulatorState state)
    {
        var key = SubnetworkKey(context);
        var path = SubnetworkPath(key);
        Project(context, state, "compute.subnetworks.delete", path);
        var compute = state.ApiState<ComputeState>();
        ComputeSubnetwork? existing;
        lock (state.Gate)
        {
            existing = compute.Subnetworks.GetValueOrDefault(key);
        }
        if (existing is { IsAutomatic: true })
        {
            throw ComputeErrors.InvalidField("subnetwork", key.Name,
                $"The subnetwork '{path}' was made by the auto subnet mode network '{existing.NetworkName}' and is deleted only with it.");
        }
        var isRetry = context.Query("requestId") is { } requestId && HasRequest(state, compute, key.Project, requestId);
        if (existing is null && !isRetry)
        {
            throw ComputeErrors.NotFound(path);
        }
        var operation = ComputeOperations.Start(context, state, key.Project, "compute.subnetworks.delete", "delete",
            ComputeLinks.Regional(state, key.Project, key.Region, "subnetworks", key.Name), existing?.Id ?? 0UL, () =>
            {
                if (!compute.Subnetworks.Remove(key))
                {
                    throw ComputeErrors.NotFound(path);
                }
            }, key.Region);
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    private static ComputeSubnetwork ExistingSubnetwork(HttpContext context, EmulatorState state, string permission)
    {
        var key = SubnetworkKey(context);
        Project(context, state, permission, SubnetworkPath(key));
        lock (state.Gate)
        {
            return state.ApiState<ComputeState>().Subnetworks.GetValueOrDefault(key) ?? throw ComputeErrors.NotFound(SubnetworkPath(key));
        }
    }

    /// <summary>GET with <c>?optionsRequestedPolicyVersion=</c> (the request has no body), as the generated client sends it.</summary>
    private static async Task GetSubnetworkPolicy(HttpContext context, EmulatorState state)
    {
        var subnetwork = ExistingSubnetwork(context, state, "compute.subnetworks.getIamPolicy");
        if (context.Query("optionsRequestedPolicyVersion") is { } requested && requested is not ("0" or "1" or "3"))
        {
            throw ComputeErrors.InvalidField("optionsRequestedPolicyVersion", requested, "Valid values are 0, 1 and 3.");
        }
        JsonObject json;
        lock (state.Gate)
        {
            json = subnetwork.Policy.ToJson();
        }
        await context.WriteJsonAsync(json);
    }

    /// <summary>RegionSetPolicyRequest: the policy (etag checked as everywhere), synchronous like Compute's.</summary>
    private static async Task SetSubnetworkPolicy(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ComputeSchemas.RegionSetPolicy);
        var subnetwork = ExistingSubnetwork(context, state, "compute.subnetworks.setIamPolicy");
        var policy = (JsonObject)(body["policy"]?.DeepClone() ?? new JsonObject());
        if (body["etag"] is JsonNode etag && policy["etag"] is null)
        {
            policy["etag"] = etag.DeepClone();
        }
        JsonObject json;
        lock (state.Gate)
        {
            subnetwork.Policy.Replace(policy, null);
            json = subnetwork.Policy.ToJson();
        }
        await context.WriteJsonAsync(json);
    }

    /// <summary>The automatic subnetworks of an auto subnet mode network, one per known region, named after it.</summary>
    private static void AddAutomaticSubnetworks(EmulatorState state, ComputeState compute, ComputeNetwork network)
    {
        foreach (var (region, range) in ComputeRegions.AutoModeRanges)
        {
            compute.Subnetworks[(network.ProjectId, region, network.Name)] = new ComputeSubnetwork
            {
                ProjectId = network.ProjectId,
                Region = region,
                Name = network.Name,
                Id = compute.NewId(),
                Created = state.Clock.GetUtcNow(),
                NetworkName = network.Name,
                IpCidrRange = range,
                IsAutomatic = true,
            };
        }
    }
}
