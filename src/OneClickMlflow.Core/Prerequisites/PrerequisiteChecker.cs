using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Images;

namespace OneClickMlflow.Prerequisites
{
    /// <summary>
    /// Can this caller deploy into this project from here: required APIs enabled (or enableable), the project
    /// permissions a deployment uses, and a Docker engine. One permission test, one service listing, and the
    /// Docker probe run concurrently.
    /// </summary>
    public sealed class PrerequisiteChecker
    {
        public static IReadOnlyList<string> RequiredApis { get; } = new[]
        {
            "compute.googleapis.com",
            "servicenetworking.googleapis.com",
            "sqladmin.googleapis.com",
            "secretmanager.googleapis.com",
            "storage.googleapis.com",
            "iam.googleapis.com",
            "iamcredentials.googleapis.com",
            "artifactregistry.googleapis.com",
            "appengine.googleapis.com",
            "appengineflex.googleapis.com",
            "iap.googleapis.com",
            "cloudresourcemanager.googleapis.com",
        };

        /// <summary>A region to build the graph in for its permissions: which permissions a deployment needs does not depend on it.</summary>
        private const string AnyRegion = "us-central1";

        private readonly GoogleCloudSession session;
        private readonly IDockerProbe docker;

        public PrerequisiteChecker(GoogleCloudSession session, IDockerProbe docker)
        {
            this.session = session;
            this.docker = docker;
        }

        /// <summary>
        /// Every permission a deployment's lifecycle uses (deploy, re-run, repair, removal), as the resources of its
        /// graph declare them: the union, tested on the project.
        /// </summary>
        public static IReadOnlyList<string> RequiredPermissions(GoogleCloudSession session, string projectId)
        {
            // The graph with the module's own image, as a deployment without -Image builds it; nothing is built or called.
            var ownImage = new BuiltInImage("", new ImagePublisherOptions(new Uri("unix:///var/run/docker.sock"), _ => Task.FromResult("")));
            var spec = MlflowDeploymentSpec.From(new DeploymentInput { ProjectId = projectId, Region = AnyRegion });
            return ResourcePermissions.Union(DeploymentGraphBuilder.Build(spec, session, ownImage).Resources);
        }

        public async Task<PrerequisiteReport> CheckAsync(CancellationToken cancellationToken)
        {
            var projectId = session.RequireProjectId();
            var required = RequiredPermissions(session, projectId);
            var permissionsTask = session.ResourceManager.TestIamPermissionsAsync(projectId, required, cancellationToken);
            var servicesTask = session.ServiceUsage.ListEnabledAsync(projectId, cancellationToken);
            var dockerTask = docker.ProbeAsync(cancellationToken);
            await Task.WhenAll(
                permissionsTask.ContinueWith(_ => { }, TaskScheduler.Default),
                servicesTask.ContinueWith(_ => { }, TaskScheduler.Default),
                dockerTask.ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);

            var granted = await permissionsTask.ConfigureAwait(false);
            var enabled = await servicesTask.ConfigureAwait(false);
            var engine = await dockerTask.ConfigureAwait(false);

            var grantedSet = new HashSet<string>(granted, StringComparer.Ordinal);
            var enabledSet = new HashSet<string>(enabled, StringComparer.Ordinal);
            var missingApis = RequiredApis.Where(api => !enabledSet.Contains(api)).ToList();
            var missingPermissions = required.Where(p => !grantedSet.Contains(p)).ToList();
            var canEnableMissing = missingApis.Count == 0 || grantedSet.Contains("serviceusage.services.enable");
            return new PrerequisiteReport
            {
                ProjectId = projectId,
                Account = Email(await CallerAsync(session, cancellationToken).ConfigureAwait(false)) ?? session.Account,
                CredentialSource = session.CredentialSource,
                EnabledApis = RequiredApis.Where(enabledSet.Contains).ToList(),
                MissingApis = missingApis,
                GrantedPermissions = required.Where(grantedSet.Contains).ToList(),
                MissingPermissions = missingPermissions,
                DockerAvailable = engine.Available,
                DockerStatus = engine.Status,
                Ready = canEnableMissing && missingPermissions.Count == 0 && engine.Available,
            };
        }

        /// <summary>The identity the credentials speak for (tokeninfo for user credentials), or null when Google does not say.</summary>
        private static async Task<string?> CallerAsync(GoogleCloudSession session, CancellationToken cancellationToken)
        {
            try
            {
                return await session.CallerMemberAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Http.HttpRequestException)
            {
                return null;
            }
        }

        private static string? Email(string? member) => member?.Substring(member.IndexOf(':') + 1);
    }
}
