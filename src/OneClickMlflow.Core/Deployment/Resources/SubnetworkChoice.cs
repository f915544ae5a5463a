using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Where App Engine flexible can put the server on a network the user brings (-NetworkName), read before
    /// anything changes. App Engine takes short names only; an auto subnet mode network takes no subnetwork name, a
    /// custom subnet mode network needs one of the app's region (Network docstrings of appengine_v1). A network of
    /// another project (Shared VPC) is used by the App Engine flexible environment service agent of the deployment's
    /// project, service-NUMBER@gae-api-prod.google.com.iam.gserviceaccount.com (App Engine flexible "service agent"
    /// page), which needs roles/compute.networkUser on the subnetwork or on the host project (Shared VPC
    /// provisioning docs). Only reads: a grant in the host project is its administrator's to make.
    /// </summary>
    public sealed class SubnetworkChoice
    {
        public const string NetworkUserRole = "roles/compute.networkUser";

        private readonly ComputeClient compute;
        private readonly ResourceManagerClient resourceManager;
        private readonly NetworkReference network;
        private readonly string deploymentProjectId;
        private readonly string region;
        private readonly string? requested;

        public SubnetworkChoice(ComputeClient compute, ResourceManagerClient resourceManager, NetworkReference network,
            string deploymentProjectId, string region, string? requested)
        {
            this.compute = compute;
            this.resourceManager = resourceManager;
            this.network = network;
            this.deploymentProjectId = deploymentProjectId;
            this.region = region;
            this.requested = requested;
        }

        /// <summary>The version's network.subnetworkName: the chosen subnetwork of a custom subnet mode network, else null.</summary>
        public string? SubnetworkName { get; private set; }

        /// <summary>Why App Engine could not put the server on the network, with what to do; null when it can.</summary>
        public string? Problem { get; private set; }

        /// <summary>Which subnetwork App Engine uses, for the plan.</summary>
        public string Summary { get; private set; } = "";

        /// <summary>The App Engine flexible environment service agent of a project.</summary>
        public static string ServiceAgent(string projectNumber) => $"service-{projectNumber}@gae-api-prod.google.com.iam.gserviceaccount.com";

        public async Task ObserveAsync(ComputeNetwork live, CancellationToken cancellationToken)
        {
            SubnetworkName = null;
            Problem = null;
            string subnetwork;
            if (live.AutoCreateSubnetworks == true)
            {
                if (requested != null)
                {
                    Problem = $"network '{network.Name}' is in auto subnet mode: App Engine uses its automatic subnetwork of {region} and " +
                              "takes no subnetwork name there. Leave -SubnetworkName out.";
                    return;
                }
                subnetwork = network.Name; // Google names the automatic subnetworks after their network.
                Summary = $"App Engine uses its automatic subnetwork of {region}";
            }
            else
            {
                var chosen = await ChooseAsync(cancellationToken).ConfigureAwait(false);
                if (chosen == null)
                {
                    return;
                }
                SubnetworkName = subnetwork = chosen;
                Summary = $"App Engine uses its subnetwork '{chosen}' of {region}";
            }
            if (network.ProjectId != deploymentProjectId)
            {
                await CheckServiceAgentAsync(subnetwork, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>-SubnetworkName when the network has it in the region, else the region's only subnetwork.</summary>
        private async Task<string?> ChooseAsync(CancellationToken cancellationToken)
        {
            IReadOnlyList<ComputeSubnetwork> all;
            try
            {
                all = await compute.ListSubnetworksAsync(network.ProjectId, region, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                Problem = $"the subnetworks of network '{network.Name}' in {region} cannot be read ({e.Message}). The deploying account " +
                          $"needs compute.subnetworks.list on project '{network.ProjectId}' to choose the one App Engine uses (-SubnetworkName).";
                return null;
            }
            var names = all.Where(s => s.Name != null && s.Network != null && ComputeClient.RelativeNetworkName(s.Network) == network.RelativeName)
                .Select(s => s.Name!).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (requested != null)
            {
                if (names.Contains(requested))
                {
                    return requested;
                }
                Problem = $"network '{network.Name}' has no subnetwork '{requested}' in region {region}, where App Engine runs the server. " +
                          (names.Count == 0 ? "It has no subnetwork there at all: " + CreateHint() : $"Pass one of its subnetworks there with -SubnetworkName: {string.Join(", ", names)}.");
                return null;
            }
            if (names.Count == 1)
            {
                return names[0];
            }
            Problem = names.Count == 0
                ? $"network '{network.Name}' is in custom subnet mode and has no subnetwork in region {region}, which App Engine flexible needs. " + CreateHint()
                : $"network '{network.Name}' has {names.Count} subnetworks in region {region}: {string.Join(", ", names)}. " +
                  "Choose the one App Engine puts the server on with -SubnetworkName.";
            return null;
        }

        private string CreateHint() =>
            $"Create one, e.g. 'gcloud compute networks subnets create mlflow --network {network.Name} --region {region} --range 10.10.0.0/24 " +
            $"--enable-private-ip-google-access --project {network.ProjectId}', and pass it with -SubnetworkName, or choose another -NetworkName.";

        /// <summary>The service agent holds roles/compute.networkUser on the subnetwork, or on the whole host project.</summary>
        private async Task CheckServiceAgentAsync(string subnetwork, CancellationToken cancellationToken)
        {
            var project = await resourceManager.GetProjectAsync(deploymentProjectId, cancellationToken).ConfigureAwait(false);
            var agent = ServiceAgent(project.ProjectNumber);
            var member = "serviceAccount:" + agent;
            var grant = $"gcloud compute networks subnets add-iam-policy-binding {subnetwork} --region {region} --project {network.ProjectId} " +
                        $"--member {member} --role {NetworkUserRole}";
            try
            {
                var policy = await compute.GetSubnetworkIamPolicyAsync(network.ProjectId, region, subnetwork, cancellationToken).ConfigureAwait(false);
                if (policy.HasMember(NetworkUserRole, member))
                {
                    Summary += $"; the App Engine flexible service agent holds {NetworkUserRole} on it";
                    return;
                }
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                Problem = $"the IAM policy of subnetwork '{subnetwork}' in host project '{network.ProjectId}' cannot be read ({e.Message}), so whether " +
                          $"the App Engine flexible service agent {agent} may use it is unknown: the deploying account needs " +
                          $"compute.subnetworks.getIamPolicy there. The agent needs {NetworkUserRole} on the subnetwork: {grant}";
                return;
            }
            if (await HostProjectGrantsAsync(member, cancellationToken).ConfigureAwait(false))
            {
                Summary += $"; the App Engine flexible service agent holds {NetworkUserRole} on host project '{network.ProjectId}'";
                return;
            }
            Problem = $"the App Engine flexible service agent of project '{deploymentProjectId}', {agent}, may not use subnetwork '{subnetwork}' " +
                      $"of Shared VPC network '{network.RelativeName}' in {region}: it lacks {NetworkUserRole} there, and App Engine would fail " +
                      $"to create the server's instances. Grant it (as an administrator of host project '{network.ProjectId}'): {grant}";
        }

        /// <summary>A grant on the whole host project counts too; an unreadable host policy counts as none.</summary>
        private async Task<bool> HostProjectGrantsAsync(string member, CancellationToken cancellationToken)
        {
            try
            {
                var policy = await resourceManager.GetIamPolicyAsync(network.ProjectId, cancellationToken).ConfigureAwait(false);
                return policy.HasMember(NetworkUserRole, member);
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                return false;
            }
        }
    }
}
