using System.Collections.Generic;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The project's App Engine application in the deployment's location. It has one location forever and can
    /// never be deleted, so an app elsewhere is refused before any change and removal keeps it.
    /// </summary>
    public sealed class AppEngineAppResource : Resource
    {
        private readonly AppEngineClient appEngine;
        private readonly string projectId;
        private readonly string locationId;

        public AppEngineAppResource(AppEngineClient appEngine, string projectId, string locationId, Resource apis)
            : base("app-engine-app", "App Engine application", projectId, apis)
        {
            this.appEngine = appEngine;
            this.projectId = projectId;
            this.locationId = locationId;
        }

        /// <summary>The application as last read (null when the project has none yet).</summary>
        public AppEngineApplication? Live { get; private set; }

        /// <summary>e.g. my-project.ew.r.appspot.com; empty until the app exists.</summary>
        public string DefaultHostname => Live?.DefaultHostname ?? "";

        private bool apiDisabled;

        protected override bool Exists => Live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "appengine.applications.get" },
            create: new[] { "appengine.applications.create", "appengine.operations.get" });

        /// <summary>Read at once, even before the APIs are enabled, so an app in another region is refused before any change.</summary>
        public override IReadOnlyList<Resource> ObservesAfter => System.Array.Empty<Resource>();

        public override Task ObserveAsync(System.Threading.CancellationToken cancellationToken) => ObservedAsync(cancellationToken);

        /// <summary>
        /// The application's one read of this run, shared with IAP (whose settings it carries): a removal reads every
        /// resource at once, and IAP must never report the state of an application not read yet.
        /// </summary>
        public Task ObservedAsync(System.Threading.CancellationToken cancellationToken)
        {
            lock (gate)
            {
                return observation ??= ReadAsync(cancellationToken);
            }
        }

        private readonly object gate = new object();
        private Task? observation;

        private async Task ReadAsync(System.Threading.CancellationToken cancellationToken)
        {
            try
            {
                Live = await appEngine.GetApplicationAsync(projectId, cancellationToken).ConfigureAwait(false);
                apiDisabled = false;
            }
            catch (GoogleCloudApiException e) when (e.IsServiceDisabled)
            {
                // Without the App Engine Admin API there is nothing to read yet; apply reads again once it is on.
                apiDisabled = true;
            }
        }

        public override PlannedChange Plan()
        {
            if (apiDisabled)
            {
                return Create("read once the required APIs are enabled, and created if missing", new Dictionary<string, string> { ["locationId"] = locationId });
            }
            if (Live == null)
            {
                return Create("the project has no App Engine application", new Dictionary<string, string> { ["locationId"] = locationId });
            }
            return Live.LocationId == locationId
                ? Unchanged($"in {locationId}")
                : throw Refuse($"the project's App Engine application is in '{Live.LocationId}', and an application's region can never " +
                               $"change. Deploy with the region of '{Live.LocationId}' (-Region {AppEngineLocations.RegionOf(Live.LocationId ?? "") ?? Live.LocationId}), or use another project.");
        }

        public override PlannedChange PlanRemoval() =>
            Unchanged(Live == null ? "does not exist" : "kept: an App Engine application can never be deleted");

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            var ct = context.CancellationToken;
            context.ReportProgress($"creating the App Engine application in {locationId} unless it exists");
            Live = await CreateOnce.EnsureAsync(
                appEngine, $"{Kind} '{Name}'",
                c => appEngine.GetApplicationAsync(projectId, c),
                c => appEngine.CreateApplicationAsync(projectId, locationId, c),
                ct).ConfigureAwait(false);
            if (Live?.LocationId != locationId)
            {
                throw Refuse($"the project's App Engine application is in '{Live?.LocationId}'; an application's region can never change");
            }
        }
    }
}
