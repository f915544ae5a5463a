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

/// <summary>
/// Compute Engine v1, the resources the deployment needs: networks, global addresses (allocated ranges for private
/// services access), firewalls and global operations; regional subnetworks are in <c>ComputeSubnetworks.cs</c>.
/// </summary>
public sealed partial class ComputeApi : IEmulatedApi
{
    private const string ServiceName = "compute.googleapis.com";
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    public ApiDescriptor Descriptor { get; } = new(
        "compute", "compute", RequiresAuthentication: true, EndpointOverride: "compute", ServiceName: ServiceName,
        OverrideSuffix: "compute/v1/");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var global = routes.MapGroup("/compute/compute/v1/projects/{project}/global");
        global.MapPost("/networks", context => InsertNetwork(context, state));
        global.MapGet("/networks", context => List(context, state, "networks", "compute#networkList",
            c => c.Networks.Values.Select(n => (n.ProjectId, n.Name, ComputeViews.Network(state, n)))));
        global.MapGet("/networks/{name}", context => Get(context, state, "networks",
            c => c.Networks.GetValueOrDefault(Key(context)) is { } n ? ComputeViews.Network(state, n) : null));
        global.MapDelete("/networks/{name}", context => DeleteNetwork(context, state));

        global.MapPost("/addresses", context => InsertAddress(context, state));
        global.MapGet("/addresses", context => List(context, state, "addresses", "compute#addressList",
            c => c.Addresses.Values.Select(a => (a.ProjectId, a.Name, ComputeViews.Address(state, a)))));
        global.MapGet("/addresses/{name}", context => Get(context, state, "addresses",
            c => c.Addresses.GetValueOrDefault(Key(context)) is { } a ? ComputeViews.Address(state, a) : null));
        global.MapDelete("/addresses/{name}", context => DeleteAddress(context, state));
        global.MapPost("/addresses/{name}/setLabels", context => SetAddressLabels(context, state));

        global.MapPost("/firewalls", context => InsertFirewall(context, state));
        global.MapGet("/firewalls", context => List(context, state, "firewalls", "compute#firewallList",
            c => c.Firewalls.Values.Select(f => (f.ProjectId, f.Name, ComputeViews.Firewall(state, f)))));
        global.MapGet("/firewalls/{name}", context => Get(context, state, "firewalls",
            c => c.Firewalls.GetValueOrDefault(Key(context)) is { } f ? ComputeViews.Firewall(state, f) : null));
        global.MapDelete("/firewalls/{name}", context => Delete(context, state, "firewalls", c => c.Firewalls));

        global.MapGet("/operations/{operation}", context => GetOperation(context, state, wait: false));
        global.MapPost("/operations/{operation}/wait", context => GetOperation(context, state, wait: true));
        MapSubnetworks(routes, state);
    }

    private static (string, string) Key(HttpContext context) => (context.Route("project"), context.Route("name"));

    /// <summary>The project, when it exists, has Compute enabled and the caller holds the permission.</summary>
    private static ProjectState Project(HttpContext context, EmulatorState state, string permission, string resource)
    {
        var id = context.Route("project");
        var project = state.FindProject(id);
        if (project is null || project.ProjectId != id)
        {
            throw ComputeErrors.NotFound($"projects/{id}");
        }
        if (!state.HasPermission(context.Caller(), project, permission))
        {
            throw ComputeErrors.Forbidden(permission, resource);
        }
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, ServiceName, "Compute Engine API");
        }
        return project;
    }

    private static void RequireValidName(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw ComputeErrors.InvalidField("resource.name", name ?? "",
                "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
        }
    }

    private static async Task Get(HttpContext context, EmulatorState state, string collection, Func<ComputeState, JsonObject?> find)
    {
        var resource = ComputeLinks.Relative(context.Route("project"), collection, context.Route("name"));
        Project(context, state, $"compute.{PermissionPrefix(collection)}.get", resource);
        var compute = state.ApiState<ComputeState>();
        JsonObject? json;
        lock (state.Gate)
        {
            json = find(compute);
        }
        await context.WriteJsonAsync(json ?? throw ComputeErrors.NotFound(resource));
    }

    private static async Task List(HttpContext context, EmulatorState state, string collection, string kind,
        Func<ComputeState, IEnumerable<(string Project, string Name, JsonObject Json)>> all)
    {
        var project = context.Route("project");
        Project(context, state, $"compute.{PermissionPrefix(collection)}.list", $"projects/{project}");
        var nameFilter = ComputeListFilter.Parse(context.Query("filter"));
        var compute = state.ApiState<ComputeState>();
        List<JsonObject> items;
        lock (state.Gate)
        {
            items = all(compute)
                .Where(r => r.Project == project && nameFilter(r.Name))
                .OrderBy(r => r.Name, StringComparer.Ordinal)
                .Select(r => r.Json)
                .ToList();
        }
        await context.WriteJsonAsync(ListBody(state, kind, $"projects/{project}/global/{collection}", items));
    }

    /// <summary>A Compute list page: kind, the collection's path as id and selfLink, and items only when there are some.</summary>
    private static JsonObject ListBody(EmulatorState state, string kind, string collectionPath, List<JsonObject> items)
    {
        var body = new JsonObject
        {
            ["kind"] = kind,
            ["id"] = collectionPath,
        };
        if (items.Count > 0)
        {
            body["items"] = new JsonArray(items.ToArray<JsonNode?>());
        }
        body["selfLink"] = ComputeLinks.Base(state) + collectionPath;
        return body;
    }

    private static async Task InsertNetwork(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ComputeSchemas.Network);
        var name = body["name"]?.GetValue<string>();
        var projectId = context.Route("project");
        var resource = ComputeLinks.Relative(projectId, "networks", name ?? "");
        Project(context, state, "compute.networks.create", resource);
        RequireValidName(name);
        var compute = state.ApiState<ComputeState>();
        var network = new ComputeNetwork
        {
            ProjectId = projectId,
            Name = name!,
            Id = compute.NewId(),
            Created = state.Clock.GetUtcNow(),
            Description = body["description"]?.GetValue<string>(),
            AutoCreateSubnetworks = body["autoCreateSubnetworks"]?.GetValue<bool>() ?? false,
            RoutingMode = body["routingConfig"]?["routingMode"]?.GetValue<string>() ?? "REGIONAL",
        };
        await StartInsert(context, state, "compute.networks.insert", "networks", network.Id, name!, c => c.Networks, network,
            network.AutoCreateSubnetworks ? () => AddAutomaticSubnetworks(state, compute, network) : null);
    }

    private static async Task InsertAddress(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ComputeSchemas.Address);
        var name = body["name"]?.GetValue<string>();
        var projectId = context.Route("project");
        Project(context, state, "compute.globalAddresses.create", ComputeLinks.Relative(projectId, "addresses", name ?? ""));
        RequireValidName(name);
        var compute = state.ApiState<ComputeState>();
        ComputeAddress address;
        lock (state.Gate)
        {
            address = NewAddress(state, compute, projectId, name!, body);
        }
        await StartInsert(context, state, "compute.addresses.insert", "addresses", address.Id, name!, c => c.Addresses, address);
    }

    /// <summary>
    /// Builds an address from an insert body: INTERNAL addresses are VPC_PEERING ranges on an existing network (the
    /// first free block of the prefix length when no address is given); EXTERNAL ones get a public address.
    /// </summary>
    private static ComputeAddress NewAddress(EmulatorState state, ComputeState compute, string projectId, string name, JsonObject body)
    {
        var addressType = body["addressType"]?.GetValue<string>() ?? "EXTERNAL";
        var purpose = body["purpose"]?.GetValue<string>();
        var prefixLength = body["prefixLength"] is JsonNode p ? Convert.ToInt32(p.ToString()) : (int?)null;
        var given = body["address"]?.GetValue<string>();
        string? networkName = null;
        string address;
        if (addressType == "INTERNAL")
        {
            if (purpose is not ("VPC_PEERING" or "PRIVATE_SERVICE_CONNECT"))
            {
                throw ComputeErrors.InvalidField("resource.purpose", purpose ?? "",
                    "A global internal address must have purpose VPC_PEERING or PRIVATE_SERVICE_CONNECT.");
            }
            var networkRef = body["network"]?.GetValue<string>()
                ?? throw ComputeErrors.InvalidField("resource.network", "", "The network must be specified for a global internal address.");
            var network = FindNetwork(compute, projectId, networkRef, "resource.network");
            networkName = network.Name;
            if (prefixLength is null or < 8 or > 29)
            {
                throw ComputeErrors.InvalidField("resource.prefixLength", prefixLength?.ToString() ?? "0",
                    "The prefix length of a VPC_PEERING address must be between 8 and 29.");
            }
            if (given is null)
            {
                address = compute.AllocateRange(projectId, network, prefixLength.Value)
                    ?? throw ComputeErrors.InvalidField("resource.prefixLength", prefixLength.Value.ToString(),
                        "No free range of this size is left in 10.0.0.0/8 on the network.");
            }
            else
            {
                if (!Ipv4.TryParse(given, out var start) || (start & ~(uint.MaxValue << (32 - prefixLength.Value))) != 0)
                {
                    throw ComputeErrors.InvalidField("resource.address", given,
                        $"The address must be the first address of a /{prefixLength} range.");
                }
                if (compute.Overlaps(projectId, network, start, prefixLength.Value))
                {
                    throw ComputeErrors.InvalidField("resource.address", given,
                        "The range overlaps an existing range or subnetwork of the network.");
                }
                address = given;
            }
        }
        else
        {
            prefixLength = null;
            var n = compute.Addresses.Count + 1;
            address = given ?? $"34.120.{n / 250}.{n % 250 + 2}";
        }
        // Labels in an insert are ignored: compute v1's Address.labels "can only be added or modified by the setLabels method".
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        return new ComputeAddress
        {
            ProjectId = projectId,
            Name = name,
            Id = compute.NewId(),
            Created = state.Clock.GetUtcNow(),
            Description = body["description"]?.GetValue<string>(),
            Address = address,
            PrefixLength = prefixLength,
            AddressType = addressType,
            Purpose = purpose,
            NetworkName = networkName,
            Labels = labels,
        };
    }

    private static async Task InsertFirewall(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ComputeSchemas.Firewall);
        var name = body["name"]?.GetValue<string>();
        var projectId = context.Route("project");
        Project(context, state, "compute.firewalls.create", ComputeLinks.Relative(projectId, "firewalls", name ?? ""));
        RequireValidName(name);
        var hasAllowed = body["allowed"] is JsonArray { Count: > 0 };
        var hasDenied = body["denied"] is JsonArray { Count: > 0 };
        if (hasAllowed == hasDenied)
        {
            throw ComputeErrors.InvalidField("resource.allowed", "", "Exactly one of allowed or denied must be specified.");
        }
        var compute = state.ApiState<ComputeState>();
        ComputeFirewall firewall;
        lock (state.Gate)
        {
            var network = FindNetwork(compute, projectId, body["network"]?.GetValue<string>() ?? "global/networks/default", "resource.network");
            var stored = (JsonObject)body.DeepClone();
            stored.Remove("kind");
            stored.Remove("id");
            stored.Remove("selfLink");
            stored.Remove("creationTimestamp");
            stored["priority"] ??= 1000;
            stored["direction"] ??= "INGRESS";
            stored["disabled"] ??= false;
            stored["logConfig"] ??= new JsonObject { ["enable"] = false };
            if (stored["direction"]!.GetValue<string>() == "INGRESS" && stored["sourceRanges"] is null
                && stored["sourceTags"] is null && stored["sourceServiceAccounts"] is null)
            {
                stored["sourceRanges"] = new JsonArray("0.0.0.0/0");
            }
            firewall = new ComputeFirewall
            {
                ProjectId = projectId,
                Name = name!,
                Id = compute.NewId(),
                Created = state.Clock.GetUtcNow(),
                NetworkName = network.Name,
                Body = stored,
            };
        }
        await StartInsert(context, state, "compute.firewalls.insert", "firewalls", firewall.Id, name!, c => c.Firewalls, firewall);
    }

    /// <summary>
    /// Refuses an existing name at once (409), then adds the resource when the operation completes (checking the
    /// name again: a concurrent insert of the same name fails the later operation).
    /// </summary>
    private static async Task StartInsert<T>(HttpContext context, EmulatorState state, string kind, string collection,
        ulong id, string name, Func<ComputeState, Dictionary<(string, string), T>> table, T resource, Action? added = null)
    {
        var projectId = context.Route("project");
        var compute = state.ApiState<ComputeState>();
        var relative = ComputeLinks.Relative(projectId, collection, name);
        var isRetry = context.Query("requestId") is { } requestId && HasRequest(state, compute, projectId, requestId);
        lock (state.Gate)
        {
            if (!isRetry && table(compute).ContainsKey((projectId, name)))
            {
                throw ComputeErrors.AlreadyExists(relative);
            }
        }
        var operation = ComputeOperations.Start(context, state, projectId, kind, "insert",
            ComputeLinks.Global(state, projectId, collection, name), id, () =>
            {
                if (!table(compute).TryAdd((projectId, name), resource))
                {
                    throw ComputeErrors.AlreadyExists(relative);
                }
                added?.Invoke();
            });
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    private static bool HasRequest(EmulatorState state, ComputeState compute, string projectId, string requestId)
    {
        lock (state.Gate)
        {
            return compute.OperationsByRequestId.ContainsKey((projectId, requestId));
        }
    }

    private static async Task DeleteNetwork(HttpContext context, EmulatorState state)
    {
        var (projectId, name) = Key(context);
        var relative = ComputeLinks.Relative(projectId, "networks", name);
        Project(context, state, "compute.networks.delete", relative);
        var compute = state.ApiState<ComputeState>();
        lock (state.Gate)
        {
            var network = compute.Networks.GetValueOrDefault((projectId, name));
            if (network is not null)
            {
                var user = compute.AddressesOn(projectId, name).Select(a => ComputeLinks.Relative(projectId, "addresses", a.Name))
                    .Concat(compute.FirewallsOn(projectId, name).Select(f => ComputeLinks.Relative(projectId, "firewalls", f.Name)))
                    .Concat(compute.SubnetworksOn(projectId, name).Where(s => !s.IsAutomatic)
                        .Select(s => ComputeLinks.RegionalRelative(projectId, s.Region, "subnetworks", s.Name)))
                    .Concat(network.Peerings.Select(p => p["network"]!.GetValue<string>()))
                    .FirstOrDefault();
                if (user is not null)
                {
                    throw ComputeErrors.InUse("network", relative, user);
                }
            }
        }
        // The automatic subnetworks go with their network.
        await StartDelete(context, state, "networks", compute.Networks, () =>
        {
            foreach (var key in compute.Subnetworks.Where(s => s.Key.Project == projectId && s.Value.NetworkName == name).Select(s => s.Key).ToList())
            {
                compute.Subnetworks.Remove(key);
            }
        });
    }

    /// <summary>A range a private services connection reserves cannot go before the connection does.</summary>
    private static Task DeleteAddress(HttpContext context, EmulatorState state)
    {
        var (projectId, name) = Key(context);
        lock (state.Gate)
        {
            var address = state.ApiState<ComputeState>().Addresses.GetValueOrDefault((projectId, name));
            var reservedBy = address is null
                ? null
                : state.ApiState<ServiceNetworkingState>().Connections
                    .Where(c => c.Key.Project == projectId && c.Value.Contains(name))
                    .Select(c => ComputeLinks.Relative(projectId, "networks", c.Key.Network))
                    .FirstOrDefault();
            if (reservedBy is not null)
            {
                Project(context, state, "compute.globalAddresses.delete", ComputeLinks.Relative(projectId, "addresses", name));
                throw ComputeErrors.InUse("address", ComputeLinks.Relative(projectId, "addresses", name), reservedBy);
            }
        }
        return Delete(context, state, "addresses", c => c.Addresses);
    }

    private static Task Delete<T>(HttpContext context, EmulatorState state, string collection,
        Func<ComputeState, Dictionary<(string, string), T>> table) where T : ComputeResource
    {
        var (projectId, name) = Key(context);
        Project(context, state, $"compute.{PermissionPrefix(collection)}.delete", ComputeLinks.Relative(projectId, collection, name));
        return StartDelete(context, state, collection, table(state.ApiState<ComputeState>()));
    }

    private static async Task StartDelete<T>(HttpContext context, EmulatorState state, string collection,
        Dictionary<(string, string), T> table, Action? removed = null) where T : ComputeResource
    {
        var (projectId, name) = Key(context);
        var relative = ComputeLinks.Relative(projectId, collection, name);
        T? existing;
        lock (state.Gate)
        {
            existing = table.GetValueOrDefault((projectId, name));
        }
        var isRetry = context.Query("requestId") is { } requestId
            && HasRequest(state, state.ApiState<ComputeState>(), projectId, requestId);
        if (existing is null && !isRetry)
        {
            throw ComputeErrors.NotFound(relative);
        }
        var id = existing?.Id ?? 0UL;
        var operation = ComputeOperations.Start(context, state, projectId, $"compute.{collection}.delete", "delete",
            ComputeLinks.Global(state, projectId, collection, name), id, () =>
            {
                if (!table.Remove((projectId, name)))
                {
                    throw ComputeErrors.NotFound(relative);
                }
                removed?.Invoke();
            });
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    private static async Task SetAddressLabels(HttpContext context, EmulatorState state)
    {
        var (projectId, name) = Key(context);
        var relative = ComputeLinks.Relative(projectId, "addresses", name);
        Project(context, state, "compute.globalAddresses.setLabels", relative);
        var body = await context.ReadBodyAsync(ComputeSchemas.SetLabels);
        var compute = state.ApiState<ComputeState>();
        ComputeAddress address;
        lock (state.Gate)
        {
            address = compute.Addresses.GetValueOrDefault((projectId, name)) ?? throw ComputeErrors.NotFound(relative);
            if (body["labelFingerprint"]?.GetValue<string>() != address.LabelFingerprint)
            {
                throw ComputeErrors.PreconditionFailed("Labels fingerprint either invalid or resource labels have changed");
            }
        }
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in body["labels"] as JsonObject ?? new JsonObject())
        {
            labels[key] = value?.GetValue<string>() ?? "";
        }
        var operation = ComputeOperations.Start(context, state, projectId, "compute.addresses.setLabels", "setLabels",
            ComputeLinks.Global(state, projectId, "addresses", name), address.Id, () => address.Labels = labels);
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    private static async Task GetOperation(HttpContext context, EmulatorState state, bool wait, bool regional = false)
    {
        var projectId = context.Route("project");
        var name = context.Route("operation");
        var region = regional ? context.Route("region") : null;
        var relative = region is null
            ? ComputeLinks.Relative(projectId, "operations", name)
            : ComputeLinks.RegionalRelative(projectId, region, "operations", name);
        Project(context, state, region is null ? "compute.globalOperations.get" : "compute.regionOperations.get", relative);
        var operation = state.Operations.Find(ComputeOperations.StoreName(projectId, name, region))
            ?? throw ComputeErrors.NotFound(relative);
        var deadline = DateTimeOffset.UtcNow + MaxWait;
        while (wait && !IsDone(state, operation) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), context.RequestAborted);
            state.Operations.Settle();
        }
        await context.WriteJsonAsync(ComputeOperations.ToJson(state, operation));
    }

    private static bool IsDone(EmulatorState state, EmulatedOperation operation)
    {
        lock (state.Gate)
        {
            return operation.Completed;
        }
    }

    /// <summary>
    /// A network reference as Compute accepts it: a full URL of any host, <c>projects/{p}/global/networks/{n}</c>,
    /// <c>global/networks/{n}</c> (in the request's project), or a bare name.
    /// </summary>
    public static ComputeNetwork FindNetwork(ComputeState compute, string requestProject, string reference, string field)
    {
        var match = NetworkReferencePattern().Match(reference);
        if (!match.Success)
        {
            throw ComputeErrors.InvalidField(field, reference, "The URL is malformed.");
        }
        var project = match.Groups["project"].Success ? match.Groups["project"].Value : requestProject;
        var name = match.Groups["name"].Value;
        return compute.Networks.GetValueOrDefault((project, name))
            ?? throw ComputeErrors.NotFound(ComputeLinks.Relative(project, "networks", name));
    }

    private static string PermissionPrefix(string collection) => collection switch
    {
        "addresses" => "globalAddresses",
        _ => collection,
    };

    [GeneratedRegex("^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(?:(?:https?://[^/]+/(?:[^/]+/)*?)?projects/(?<project>[^/]+)/global/networks/|global/networks/)?(?<name>[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$")]
    private static partial Regex NetworkReferencePattern();
}
