using System.Collections.Generic;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The <c>network</c> of a flexible version, checked as App Engine does before it makes any VM. The rules are those
/// of the Network docstrings in appengine_v1_messages: short names, not resource paths; a custom subnet mode
/// network needs <c>subnetworkName</c>; the subnetwork must be in the application's region. A short name is looked
/// up in the app's project, then in the Shared VPC host the project is attached to. A network of another project
/// is used by the App Engine flexible environment service agent, which needs <c>compute.subnetworks.use</c>
/// (<c>roles/compute.networkUser</c>) on the subnetwork or the host project (Shared VPC provisioning docs).
/// </summary>
public static class AppEngineNetworks
{
    /// <summary>The App Engine flexible environment service agent of a project (App Engine flexible "service agent" docs).</summary>
    public static string ServiceAgent(long projectNumber) => $"service-{projectNumber}@gae-api-prod.google.com.iam.gserviceaccount.com";

    public static void Validate(EmulatorState state, AppEngineApplication app, JsonObject network)
    {
        var name = network["name"]?.GetValue<string>() ?? "default";
        var subnetworkName = network["subnetworkName"]?.GetValue<string>();
        if (name.Contains('/'))
        {
            // Modelled: App Engine takes "the short name, not the resource path" (Network.name docstring).
            throw GoogleApiError.InvalidArgument(
                $"Invalid network name \"{name}\": specify the short name of the network, not the resource path.", "version.network.name");
        }
        if (subnetworkName is not null && subnetworkName.Contains('/'))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid subnetwork name \"{subnetworkName}\": specify the short name of the subnetwork, not the resource path.",
                "version.network.subnetwork_name");
        }
        var region = ComputeRegions.OfAppEngineLocation(app.LocationId);
        lock (state.Gate)
        {
            var compute = state.ApiState<ComputeState>();
            var found = compute.Networks.GetValueOrDefault((app.Id, name))
                ?? (compute.SharedVpcHosts.TryGetValue(app.Id, out var host) ? compute.Networks.GetValueOrDefault((host, name)) : null);
            if (found is null)
            {
                // Google's answer (google-cloud-eclipse issue 3578): INVALID_ARGUMENT "Network 'default' does not exist".
                throw GoogleApiError.InvalidArgument($"Network '{name}' does not exist", "version.network.name");
            }
            var subnetwork = Subnetwork(compute, found, region, subnetworkName);
            if (found.ProjectId != app.Id)
            {
                RequireAgentMayUse(state, app, found, region, subnetwork);
            }
        }
    }

    /// <summary>The subnetwork the instances get: the named one, or the automatic one of the region (null when not seeded).</summary>
    private static ComputeSubnetwork? Subnetwork(ComputeState compute, ComputeNetwork network, string region, string? subnetworkName)
    {
        var path = $"projects/{network.ProjectId}/regions/{region}/subnetworks/{subnetworkName}";
        if (subnetworkName is null)
        {
            if (!network.AutoCreateSubnetworks)
            {
                // Modelled on Compute's instance insert answer for the same mistake:
                // "Subnetwork should be specified for custom subnetmode network".
                throw GoogleApiError.InvalidArgument(
                    $"Subnetwork should be specified for custom subnetmode network '{network.Name}': set network.subnetworkName.",
                    "version.network.subnetwork_name");
            }
            return compute.Subnetworks.GetValueOrDefault((network.ProjectId, region, network.Name));
        }
        var subnetwork = compute.Subnetworks.GetValueOrDefault((network.ProjectId, region, subnetworkName));
        if (subnetwork is null)
        {
            // Compute's not-found text, which App Engine relays; a subnetwork of another region is not found in the app's.
            throw GoogleApiError.InvalidArgument(
                $"The resource '{path}' was not found: the subnetwork must exist in the region of the application ({region}).",
                "version.network.subnetwork_name");
        }
        if (subnetwork.NetworkName != network.Name)
        {
            // Compute's wording for a subnetwork of another network (terraform-provider-google issue 7895).
            throw GoogleApiError.InvalidArgument(
                $"Subnetwork \"{path}\" is not valid for Network \"{network.Name}\".", "version.network.subnetwork_name");
        }
        return subnetwork;
    }

    /// <summary>Modelled: Google fails the deployment when the service agent may not use the host's subnetwork.</summary>
    private static void RequireAgentMayUse(EmulatorState state, AppEngineApplication app, ComputeNetwork network, string region,
        ComputeSubnetwork? subnetwork)
    {
        const string permission = "compute.subnetworks.use";
        var agent = ServiceAgent(state.GetProject(app.Id).ProjectNumber);
        var member = "serviceAccount:" + agent;
        var host = state.FindProject(network.ProjectId);
        if (subnetwork is not null && subnetwork.Policy.Grants(member, permission) || host is not null && host.Grants(member, permission))
        {
            return;
        }
        throw GoogleApiError.PermissionDenied(
            $"The App Engine flexible environment service agent {agent} lacks permission '{permission}' on " +
            $"'projects/{network.ProjectId}/regions/{region}/subnetworks/{subnetwork?.Name ?? network.Name}'. Grant it " +
            "roles/compute.networkUser on the subnetwork.");
    }
}
