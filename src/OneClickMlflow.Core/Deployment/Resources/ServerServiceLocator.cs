using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// Finds the App Engine service of a deployment, read once and shared by the resources that need it. A version
    /// belongs to the deployment when its ARTIFACT_DESTINATION is the deployment's bucket (unique per project and
    /// name), so a re-run finds the service it used before and never switches. Otherwise: -Service when given,
    /// 'default' in a project without services (App Engine requires it first), else a service named after the deployment.
    /// </summary>
    public sealed class ServerServiceLocator
    {
        public const string DefaultService = "default";
        public const string ArtifactDestinationVariable = "ARTIFACT_DESTINATION";

        private readonly AppEngineClient appEngine;
        private readonly ResourceManagerClient resourceManager;
        private readonly string projectId;
        private readonly string deploymentName;
        private readonly string artifactDestination;
        private readonly string? requestedService;
        private readonly object gate = new object();
        private Task<ServerServiceState>? state;

        public ServerServiceLocator(AppEngineClient appEngine, ResourceManagerClient resourceManager, string projectId, string deploymentName,
            string artifactDestination, string? requestedService)
        {
            this.appEngine = appEngine;
            this.resourceManager = resourceManager;
            this.projectId = projectId;
            this.deploymentName = deploymentName;
            this.artifactDestination = artifactDestination;
            this.requestedService = requestedService;
        }

        /// <summary>The state as first read (the same task for every caller until <see cref="Invalidate"/>).</summary>
        public Task<ServerServiceState> ObserveAsync(CancellationToken cancellationToken)
        {
            lock (gate)
            {
                return state ??= ReadAsync(cancellationToken);
            }
        }

        /// <summary>Forgets what was read (after a change), so the next observation reads again.</summary>
        public void Invalidate()
        {
            lock (gate)
            {
                state = null;
            }
        }

        public bool IsOwn(AppEngineVersion version) =>
            version.EnvVariables != null && version.EnvVariables.TryGetValue(ArtifactDestinationVariable, out var destination)
            && destination == artifactDestination;

        private async Task<ServerServiceState> ReadAsync(CancellationToken cancellationToken)
        {
            IReadOnlyList<AppEngineService> services;
            try
            {
                services = await appEngine.ListServicesAsync(projectId, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound || e.IsServiceDisabled)
            {
                // No application yet, or App Engine never enabled: no service either.
                services = Array.Empty<AppEngineService>();
            }
            var versions = new Dictionary<string, IReadOnlyList<AppEngineVersion>>(StringComparer.Ordinal);
            foreach (var service in services.Where(s => s.Id != null))
            {
                versions[service.Id!] = await appEngine.ListVersionsAsync(projectId, service.Id!, cancellationToken).ConfigureAwait(false);
            }
            var serviceId = requestedService ?? OwnService(services, versions) ?? (services.Count == 0 ? DefaultService : deploymentName);
            var chosen = services.FirstOrDefault(s => s.Id == serviceId);
            var serviceVersions = versions.TryGetValue(serviceId, out var list) ? list : Array.Empty<AppEngineVersion>();
            // IAP names a service with the project's number, and signs its header for the app with it.
            var number = (await resourceManager.GetProjectAsync(projectId, cancellationToken).ConfigureAwait(false)).ProjectNumber;
            var others = services.Where(s => s.Id != null && s.Id != serviceId).Select(s => new AppEngineServiceRef(number, projectId, s.Id!)).ToList();
            var othersVersions = versions.SelectMany(pair => pair.Value.Where(v => !IsOwn(v)).Select(v => new ServiceVersion(pair.Key, v))).ToList();
            return new ServerServiceState(new AppEngineServiceRef(number, projectId, serviceId), chosen != null, serviceVersions,
                serviceVersions.Where(IsOwn).ToList(), chosen?.Split?.Allocations ?? new Dictionary<string, double>())
            {
                OtherServices = others,
                OthersVersions = othersVersions,
            };
        }

        /// <summary>The service serving one of the deployment's versions (the one with most of its traffic first).</summary>
        private string? OwnService(IReadOnlyList<AppEngineService> services, Dictionary<string, IReadOnlyList<AppEngineVersion>> versions) =>
            services
                .Where(s => s.Id != null && versions[s.Id].Any(IsOwn))
                .OrderByDescending(s => versions[s.Id!].Where(IsOwn).Sum(v => s.Split?.Allocations?.TryGetValue(v.Id ?? "", out var share) == true ? share : 0))
                .Select(s => s.Id)
                .FirstOrDefault();
    }

    /// <summary>A version with the service it runs in.</summary>
    public sealed class ServiceVersion
    {
        public ServiceVersion(string serviceId, AppEngineVersion version)
        {
            ServiceId = serviceId;
            Version = version;
        }

        public string ServiceId { get; }

        public AppEngineVersion Version { get; }

        /// <summary>"deployment 'NAME'" for a version of another deployment, else "version V of service S".</summary>
        public string Owner => DeploymentNames.DeploymentOfArtifactDestination(
                Version.EnvVariables != null && Version.EnvVariables.TryGetValue(ServerServiceLocator.ArtifactDestinationVariable, out var d) ? d : null)
            is { } name ? $"deployment '{name}'" : $"version {Version.Id} of service '{ServiceId}'";
    }

    /// <summary>The deployment's service as read: its id, whether it exists, its versions and traffic split.</summary>
    public sealed class ServerServiceState
    {
        public ServerServiceState(AppEngineServiceRef service, bool exists, IReadOnlyList<AppEngineVersion> versions,
            IReadOnlyList<AppEngineVersion> ownVersions, IReadOnlyDictionary<string, double> allocations)
        {
            Service = service;
            Exists = exists;
            Versions = versions;
            OwnVersions = ownVersions;
            Allocations = allocations;
        }

        /// <summary>The service as IAP names it (its project number is empty while the service does not exist).</summary>
        public AppEngineServiceRef Service { get; }

        public string ServiceId => Service.ServiceId;

        public bool Exists { get; }

        public IReadOnlyList<AppEngineVersion> Versions { get; }

        /// <summary>The versions this deployment made (recognised by their artifact destination).</summary>
        public IReadOnlyList<AppEngineVersion> OwnVersions { get; }

        public IReadOnlyDictionary<string, double> Allocations { get; }

        /// <summary>Every version of the application, in any service, that is not the deployment's.</summary>
        public IReadOnlyList<ServiceVersion> OthersVersions { get; internal set; } = Array.Empty<ServiceVersion>();

        /// <summary>The application's other services (other deployments', or not the module's at all).</summary>
        public IReadOnlyList<AppEngineServiceRef> OtherServices { get; internal set; } = Array.Empty<AppEngineServiceRef>();

        public bool IsDefault => ServiceId == ServerServiceLocator.DefaultService;

        public bool ReceivesTraffic(string? versionId) => versionId != null && Allocations.TryGetValue(versionId, out var share) && share > 0;

        /// <summary>
        /// Who else serves the service: the owner of each version of another deployment or of no deployment that
        /// receives traffic and is not stopped (a stopped version serves nothing).
        /// </summary>
        public IReadOnlyList<string> OtherServers(Func<AppEngineVersion, bool> isOwn) => Versions
            .Where(v => !isOwn(v) && ReceivesTraffic(v.Id) && v.ServingStatus != "STOPPED")
            .Select(v => new ServiceVersion(ServiceId, v).Owner)
            .Distinct()
            .ToList();

        /// <summary>The deployment's version with the largest share of traffic, or null.</summary>
        public AppEngineVersion? ServingOwnVersion => OwnVersions
            .Where(v => ReceivesTraffic(v.Id))
            .OrderByDescending(v => Allocations[v.Id!])
            .FirstOrDefault();
    }
}
