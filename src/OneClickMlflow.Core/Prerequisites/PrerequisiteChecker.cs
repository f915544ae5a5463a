using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

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

        /// <summary>Project-level permissions the deployment exercises (at most 100: one testIamPermissions call).</summary>
        public static IReadOnlyList<string> RequiredPermissions { get; } = new[]
        {
            "resourcemanager.projects.get",
            "resourcemanager.projects.getIamPolicy",
            "resourcemanager.projects.setIamPolicy",
            "serviceusage.services.enable",
            "serviceusage.services.list",
            "compute.networks.create",
            "compute.networks.get",
            "compute.addresses.create",
            "compute.addresses.get",
            "compute.firewalls.create",
            "servicenetworking.services.addPeering",
            "cloudsql.instances.create",
            "cloudsql.instances.get",
            "cloudsql.databases.create",
            "cloudsql.users.create",
            "secretmanager.secrets.create",
            "secretmanager.versions.add",
            "storage.buckets.create",
            "storage.buckets.get",
            "storage.buckets.setIamPolicy",
            "iam.serviceAccounts.create",
            "iam.serviceAccounts.get",
            "iam.serviceAccounts.actAs",
            "artifactregistry.repositories.create",
            "artifactregistry.repositories.uploadArtifacts",
            "appengine.applications.create",
            "appengine.applications.get",
            "appengine.applications.update",
            "appengine.versions.create",
            "appengine.services.update",
            "iap.web.getIamPolicy",
            "iap.web.setIamPolicy",
        };

        private readonly GoogleCloudSession session;
        private readonly IDockerProbe docker;

        public PrerequisiteChecker(GoogleCloudSession session, IDockerProbe docker)
        {
            this.session = session;
            this.docker = docker;
        }

        public async Task<PrerequisiteReport> CheckAsync(CancellationToken cancellationToken)
        {
            var projectId = session.RequireProjectId();
            var permissionsTask = session.ResourceManager.TestIamPermissionsAsync(projectId, RequiredPermissions, cancellationToken);
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
            var missingPermissions = RequiredPermissions.Where(p => !grantedSet.Contains(p)).ToList();
            var canEnableMissing = missingApis.Count == 0 || grantedSet.Contains("serviceusage.services.enable");
            return new PrerequisiteReport
            {
                ProjectId = projectId,
                Account = session.Account,
                CredentialSource = session.CredentialSource,
                EnabledApis = RequiredApis.Where(enabledSet.Contains).ToList(),
                MissingApis = missingApis,
                GrantedPermissions = RequiredPermissions.Where(grantedSet.Contains).ToList(),
                MissingPermissions = missingPermissions,
                DockerAvailable = engine.Available,
                DockerStatus = engine.Status,
                Ready = canEnableMissing && missingPermissions.Count == 0 && engine.Available,
            };
        }
    }
}
