using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The App Engine service the deployment serves from, only read: read at once, before any change, so a plan that
    /// would take a service another deployment (or another app) serves is refused before anything is made. Taking it
    /// would move all of its traffic to this deployment's version and replace its IAP list with this deployment's users.
    /// </summary>
    public sealed class ServerServiceResource : Resource
    {
        private readonly ServerServiceLocator locator;
        private readonly ServerSettings settings;
        private ServerServiceState? live;

        public ServerServiceResource(ServerServiceLocator locator, ServerSettings settings)
            : base("server-service", "App Engine service", "MLflow service")
        {
            this.locator = locator;
            this.settings = settings;
        }

        protected override bool Exists => false;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "appengine.services.list", "appengine.versions.list", "resourcemanager.projects.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan()
        {
            var service = live!;
            if (!service.Exists)
            {
                return Unchanged($"service '{service.ServiceId}' does not exist yet: the deployment's first version makes it");
            }
            if (service.OwnVersions.Count > 0 || settings.FollowLive)
            {
                return Unchanged($"service '{service.ServiceId}' runs the deployment's versions");
            }
            var others = service.OtherServers(locator.IsOwn);
            if (others.Count > 0)
            {
                throw Refuse($"service '{service.ServiceId}' serves {string.Join(" and ", others)}: deploying here would move all of its " +
                             "traffic to this deployment and replace who may pass IAP to it. Choose another -Service (or, for a deployment " +
                             $"named '{service.ServiceId}', another -Name); each deployment serves from a service of its own.");
            }
            return Unchanged($"service '{service.ServiceId}' exists and serves nothing else");
        }

        public override PlannedChange PlanRemoval() => Unchanged("only read: the version's removal deletes the service when it is the deployment's");

        public override Task ApplyAsync(ResourceApplyContext context) => Task.CompletedTask;
    }
}
