using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>
    /// The tracking server: an App Engine flexible version of the image in the deployment's service, on its
    /// network, as its server account, with the environment the image's entrypoint reads. Creating one takes
    /// minutes on Google; traffic moves to it afterwards (<see cref="ServerTrafficResource"/>).
    /// </summary>
    public sealed class ServerVersionResource : Resource
    {
        /// <summary>An instance (about 10 minutes) or a flexible version (about 8) bills from its start.</summary>
        public override bool StartsBilledWork => true;

        private const string Serving = "SERVING";
        private const string Stopped = "STOPPED";

        private readonly AppEngineClient appEngine;
        private readonly ServerServiceLocator locator;
        private readonly ServerSettings settings;
        private readonly AppEngineAppResource app;
        private readonly ServerImageResource image;
        private readonly SqlInstanceResource instance;
        private readonly DatabasePasswordSecretResource secret;
        private readonly ArtifactBucketResource bucket;
        private readonly ServiceAccountResource server;
        private readonly NetworkResource network;
        private ServerServiceState? live;
        private RpcStatus? failedCreate;

        public ServerVersionResource(AppEngineClient appEngine, ServerServiceLocator locator, ServerSettings settings, NetworkResource network,
            AppEngineAppResource app, IapResource iap, ServerImageResource image, SqlInstanceResource instance, DatabasePasswordSecretResource secret,
            ArtifactBucketResource bucket, ServiceAccountResource server, params Resource[] grants)
            : base("server-version", "App Engine version", "next version of the MLflow server",
                new Resource[] { network, app, iap, image, instance, secret, bucket, server }.Concat(grants).ToArray())
        {
            this.appEngine = appEngine;
            this.locator = locator;
            this.settings = settings;
            this.app = app;
            this.image = image;
            this.instance = instance;
            this.secret = secret;
            this.bucket = bucket;
            this.server = server;
            this.network = network;
        }

        /// <summary>The service the version runs in (known once observed).</summary>
        public string ServiceId => live?.ServiceId ?? settings.Service ?? "";

        /// <summary>The wanted version (null when Get-MlflowDeployment finds none serving).</summary>
        public AppEngineVersion? Wanted { get; private set; }

        /// <summary>The deployment's version that had the service's traffic when last read.</summary>
        public string? ServingVersionId => live?.ServingOwnVersion?.Id;

        public bool ServiceExists => live?.Exists == true;

        protected override bool Exists => live?.OwnVersions.Count > 0;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "appengine.services.list", "appengine.versions.list", "appengine.operations.list", "resourcemanager.projects.get" },
            create: new[] { "appengine.versions.create", "appengine.versions.delete", "appengine.operations.get" },
            update: new[] { "appengine.versions.update", "appengine.versions.create", "appengine.versions.delete", "appengine.operations.get" },
            delete: new[] { "appengine.versions.delete", "appengine.versions.update", "appengine.services.delete", "appengine.operations.get" });

        public override async Task ObserveAsync(CancellationToken cancellationToken)
        {
            live = await locator.ObserveAsync(cancellationToken).ConfigureAwait(false);
            failedCreate = null;
            // A wanted version that is listed yet takes no traffic may be one that never came up (an earlier run
            // stopped before it could delete it): its create operation tells.
            var wanted = WantedVersion();
            if (wanted != null && live.Versions.Any(v => v.Id == wanted.Id) && !live.ReceivesTraffic(wanted.Id))
            {
                var operation = await appEngine.FindVersionCreateAsync(app.Name, ServiceId, wanted.Id!, cancellationToken).ConfigureAwait(false);
                failedCreate = operation?.Done == true ? operation.Error : null;
            }
        }

        /// <summary>Dependents (traffic, IAP access) can read an existing service while a new version is planned.</summary>
        public override bool LetsDependentsObserve(PlannedChange change) => change.Action != ChangeAction.Create || ServiceExists;

        public override PlannedChange Plan()
        {
            Wanted = WantedVersion();
            if (Wanted?.Id != null)
            {
                // The version's id follows from its image and settings: the plan names it.
                Name = Wanted.Id;
            }
            if (Wanted == null)
            {
                return Create("no version of the deployment serves; New-MlflowDeployment deploys one");
            }
            var existing = live!.Versions.FirstOrDefault(v => v.Id == Wanted.Id);
            if (existing != null && failedCreate != null)
            {
                return Update($"version {Wanted.Id} of service '{ServiceId}' never came up ({failedCreate.Message}): it is deleted and deployed again",
                    new Dictionary<string, string> { ["version"] = Wanted.Id!, ["image"] = Wanted.Deployment!.Container!.Image! });
            }
            if (existing?.ServingStatus == Stopped)
            {
                return Update($"version {Wanted.Id} of service '{ServiceId}' is stopped: start it",
                    new Dictionary<string, string> { ["servingStatus"] = Serving });
            }
            if (existing != null)
            {
                return Unchanged($"version {Wanted.Id} of service '{ServiceId}' exists");
            }
            var reason = live.OwnVersions.Count == 0
                ? $"service '{ServiceId}' has no version of the deployment"
                : $"the image or settings changed (serving: {ServingVersionId ?? "none"})";
            return Create(reason, new Dictionary<string, string>
            {
                ["service"] = ServiceId,
                ["version"] = Wanted.Id!,
                ["image"] = Wanted.Deployment!.Container!.Image!,
                ["resources"] = ServerVersionSpec.Describe(Wanted.Resources!, Wanted.AutomaticScaling!),
            });
        }

        public override PlannedChange PlanRemoval()
        {
            if (live == null || live.OwnVersions.Count == 0)
            {
                return Unchanged("no version of the deployment");
            }
            if (!live.IsDefault && live.Versions.All(locator.IsOwn))
            {
                return Delete($"deletes service '{ServiceId}' with its {live.Versions.Count} version(s)");
            }
            var (stop, delete) = Retirement();
            var parts = new List<string>();
            if (delete.Count > 0)
            {
                parts.Add("deletes version(s) " + string.Join(", ", delete.Select(v => v.Id)));
            }
            if (stop.Count > 0)
            {
                parts.Add($"stops {string.Join(", ", stop.Select(v => v.Id))} instead of deleting it: it receives the traffic of service " +
                          $"'{ServiceId}'{(live.IsDefault ? ", and the default service can never be deleted" : "")}");
            }
            return parts.Count == 0 ? Unchanged("the deployment's versions are stopped") : Delete(string.Join("; ", parts));
        }

        public override async Task ApplyAsync(ResourceApplyContext context)
        {
            if (context.Change.Action == ChangeAction.Delete)
            {
                await RemoveAsync(context).ConfigureAwait(false);
                return;
            }
            var version = Wanted ?? throw new InvalidOperationException("No image is known for the server version: pass -Image.");
            var ct = context.CancellationToken;
            if (context.Change.Action == ChangeAction.Update && failedCreate == null)
            {
                context.ReportProgress($"starting version {version.Id} of service '{ServiceId}'");
                await appEngine.SetServingStatusAsync(app.Name, ServiceId, version.Id!, Serving, ct).ConfigureAwait(false);
                locator.Invalidate();
                live = await locator.ObserveAsync(ct).ConfigureAwait(false);
                return;
            }
            if (failedCreate != null)
            {
                context.ReportProgress($"deleting version {version.Id}, which never came up");
                await MissingIsRemoved.DeleteAsync(() => appEngine.DeleteVersionAsync(app.Name, ServiceId, version.Id!, ct)).ConfigureAwait(false);
                failedCreate = null;
            }
            context.ReportProgress($"creating version {version.Id} of service '{ServiceId}' (App Engine flexible takes several minutes)");
            Action<TimeSpan> progress = elapsed =>
                context.ReportProgress($"App Engine is deploying version {version.Id} of service '{ServiceId}' ({(int)elapsed.TotalMinutes}m{elapsed.Seconds:00}s)");
            try
            {
                await CreateAsync(version, progress, ct).ConfigureAwait(false);
            }
            catch (OperationFailedException failure)
            {
                await FailAsync(version, failure, ct).ConfigureAwait(false);
            }
            locator.Invalidate();
            live = await locator.ObserveAsync(ct).ConfigureAwait(false);
            if (!live.Versions.Any(v => v.Id == version.Id))
            {
                throw new InvalidOperationException($"Version {version.Id} of service '{ServiceId}' is not listed although its create operation " +
                                                    "succeeded; run the command again in a minute.");
            }
        }

        /// <summary>
        /// Sends the create and waits for its operation. The create is never re-sent blindly: after a failure without a
        /// usable answer (429, 5xx, no answer, "already exists"), App Engine's own list of operations tells whether
        /// the request reached it (an operation for this version that was not there before the first send), and that
        /// operation is followed instead; only when there is none is the create sent again, after the pipeline's
        /// backoff or the server's Retry-After.
        /// </summary>
        private async Task CreateAsync(AppEngineVersion version, Action<TimeSpan> progress, CancellationToken cancellationToken)
        {
            var earlier = new HashSet<string>((await appEngine.ListVersionCreatesAsync(app.Name, ServiceId, version.Id!, cancellationToken)
                .ConfigureAwait(false)).Select(o => o.Name ?? ""));
            var sent = 0;
            Exception? createFailure = null;
            try
            {
                await appEngine.Pipeline.RetryCycleAsync(async ct =>
                {
                    createFailure = null;
                    if (sent > 0)
                    {
                        var operation = (await appEngine.ListVersionCreatesAsync(app.Name, ServiceId, version.Id!, ct).ConfigureAwait(false))
                            .FirstOrDefault(o => !earlier.Contains(o.Name ?? ""));
                        if (operation != null)
                        {
                            await appEngine.WaitAsync(operation, progress, ct).ConfigureAwait(false);
                            return true;
                        }
                    }
                    sent++;
                    try
                    {
                        await appEngine.CreateVersionAsync(app.Name, ServiceId, version, progress, ct).ConfigureAwait(false);
                    }
                    catch (GoogleCloudApiException e) when (CreateOnce.IsTheCreate(e))
                    {
                        createFailure = e;
                        throw;
                    }
                    return true;
                }, e => e is GoogleCloudApiException google && google.IsAlreadyExists, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e == createFailure && e.IsTransient)
            {
                throw CreateOnce.NotCreated($"version {version.Id} of service '{ServiceId}'", e, sent);
            }
        }

        /// <summary>
        /// The version did not come up: it is deleted (App Engine leaves it listed) so that no run ever sends traffic
        /// to it, and the error names Google's cause, what still serves and where the logs are.
        /// </summary>
        private async Task FailAsync(AppEngineVersion version, OperationFailedException failure, CancellationToken ct)
        {
            string outcome;
            try
            {
                await MissingIsRemoved.DeleteAsync(() => appEngine.DeleteVersionAsync(app.Name, ServiceId, version.Id!, ct)).ConfigureAwait(false);
                outcome = "The failed version was deleted";
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                outcome = $"The failed version could not be deleted ({e.Message}); the next run deletes and replaces it";
            }
            locator.Invalidate();
            var serving = ServingVersionId == null ? "no version of the deployment serves yet" : $"version {ServingVersionId} still serves";
            var logs = $"gcloud app logs read --project {app.Name} --service {ServiceId} --version {version.Id}";
            var pullHint = failure.Message.IndexOf("pulling the application's docker image", StringComparison.OrdinalIgnoreCase) >= 0
                ? $" The server's account {server.Email} must be able to read {version.Deployment!.Container!.Image} (roles/artifactregistry.reader on its repository)."
                : "";
            throw new ServerVersionFailedException(
                $"App Engine could not bring up version {version.Id} of service '{ServiceId}': {failure.Message}{pullHint} {outcome}, and " +
                $"{serving}. Read the server's logs with: {logs}", logs, failure);
        }

        private AppEngineVersion? WantedVersion()
        {
            var serving = live!.ServingOwnVersion;
            var wantedImage = settings.FollowLive ? (serving == null ? null : ServerVersionSpec.ImageOf(serving)) : image.Image;
            if (wantedImage == null)
            {
                return null;
            }
            var environment = ServerVersionSpec.Environment(instance.PrivateIp ?? "", secret.ResourceName, bucket.ArtifactDestination,
                app.DefaultHostname, ServiceId, instance.ServerCaPem, ServerVersionSpec.AppEngineIapAudience(live.Service.ProjectNumber, app.Name));
            // Left out, the machine and scaling stay as the serving version has them.
            var (resources, scaling) = settings.Machine(serving);
            return ServerVersionSpec.Build(wantedImage, environment, WantedNetwork(serving), server.Email, resources, scaling);
        }

        /// <summary>
        /// The short network name, as App Engine takes it even for a Shared VPC network (appengine_v1 Network.name), and
        /// the subnetwork the network's plan chose; Get-MlflowDeployment, not knowing -SubnetworkName, follows the serving version's.
        /// </summary>
        private VersionNetwork WantedNetwork(AppEngineVersion? serving) => new VersionNetwork
        {
            Name = network.Network.Name,
            SubnetworkName = settings.FollowLive ? serving?.Network?.SubnetworkName : network.SubnetworkName,
        };

        /// <summary>For removal: the versions receiving traffic are stopped (they cannot be deleted), the others deleted.</summary>
        private (List<AppEngineVersion> Stop, List<AppEngineVersion> Delete) Retirement()
        {
            var stop = live!.OwnVersions.Where(v => live.ReceivesTraffic(v.Id) && v.ServingStatus != Stopped).ToList();
            var delete = live.OwnVersions.Where(v => !live.ReceivesTraffic(v.Id)).ToList();
            return (stop, delete);
        }

        private async Task RemoveAsync(ResourceApplyContext context)
        {
            var ct = context.CancellationToken;
            if (!live!.IsDefault && live.Versions.All(locator.IsOwn))
            {
                context.ReportProgress($"deleting service '{ServiceId}'");
                await MissingIsRemoved.DeleteAsync(() => appEngine.DeleteServiceAsync(app.Name, ServiceId, ct)).ConfigureAwait(false);
                return;
            }
            var (stop, delete) = Retirement();
            foreach (var version in delete)
            {
                context.ReportProgress($"deleting version {version.Id}");
                await MissingIsRemoved.DeleteAsync(() => appEngine.DeleteVersionAsync(app.Name, ServiceId, version.Id!, ct)).ConfigureAwait(false);
            }
            foreach (var version in stop)
            {
                context.ReportProgress($"stopping version {version.Id}");
                await appEngine.SetServingStatusAsync(app.Name, ServiceId, version.Id!, Stopped, ct).ConfigureAwait(false);
            }
        }
    }
}
