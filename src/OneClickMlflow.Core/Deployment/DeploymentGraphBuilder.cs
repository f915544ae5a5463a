using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;
using OneClickMlflow.Tokens;

namespace OneClickMlflow.Deployment
{
    /// <summary>The resources of one MLflow deployment, wired to each other and to the session's clients.</summary>
    public sealed class MlflowDeploymentGraph
    {
        internal MlflowDeploymentGraph(MlflowDeploymentSpec spec, GoogleCloudSession session, BuiltInImage? builtInImage)
        {
            Spec = spec;
            var names = spec.Names;
            Apis = new RequiredApisResource(session.ServiceUsage, spec.ProjectId, spec.RequiredApis);
            Network = new NetworkResource(session.Compute, spec.Network, spec.UsesExistingNetwork
                ? new SubnetworkChoice(session.Compute, session.ResourceManager, spec.Network, spec.ProjectId, spec.Region, spec.Input.SubnetworkName)
                : null, spec.Input.Server.FollowLive, Apis);
            PeeringRange = new PeeringRangeResource(session.Compute, names.PeeringRangeName, Network, names.Labels);
            PrivateServicesAccess = new PrivateServicesConnectionResource(session.ServiceNetworking, session.ResourceManager, Network, PeeringRange);
            Bucket = new ArtifactBucketResource(session.Storage, spec.ProjectId, names.BucketName, spec.Region, BucketLabels(spec),
                spec.Input.NoncurrentVersionDays, Apis)
            {
                LabelDefaults = !spec.Input.Server.FollowLive && spec.Input.Server.KeepsKeylessLogging
                    ? new Dictionary<string, string> { [DeploymentNames.KeylessLoggingLabelKey] = "on" }
                    : new Dictionary<string, string>(),
            };
            LogPusher = new ServiceAccountResource(session.Iam, "log-pusher-account", spec.ProjectId, names.LogPusherServiceAccountId,
                names.LogPusherServiceAccountEmail, $"MLflow log pusher ({names.Name})",
                $"Signs the tokens people and jobs log to deployment '{names.Name}' with (one-click-mlflow).", Apis);
            Server = new ServiceAccountResource(session.Iam, "server-account", spec.ProjectId, names.ServerServiceAccountId,
                names.ServerServiceAccountEmail, $"MLflow server ({names.Name})",
                $"Runs the MLflow tracking server of deployment '{names.Name}' (one-click-mlflow).", Apis);
            BucketAccess = new BucketIamResource(session.Storage, Bucket, Server);
            var sql = session.CloudSql;
            var secrets = session.SecretManager;
            DatabaseInstance = new SqlInstanceResource(sql, spec.ProjectId, names.SqlInstanceName, spec.Region, spec.Input.Database,
                spec.Network, PeeringRange, names.Labels, PrivateServicesAccess)
            {
                WaitsForPendingOperations = !spec.Input.Server.FollowLive,
            };
            Database = new SqlDatabaseResource(sql, spec.ProjectId, DatabaseInstance);
            DatabasePasswordSecret = new DatabasePasswordSecretResource(secrets, spec.ProjectId, names.DatabasePasswordSecretName, names.Labels, Apis);
            DatabaseUser = new DatabaseUserResource(sql, secrets, DatabaseInstance, DatabasePasswordSecret);
            DatabasePasswordAccess = new SecretAccessorResource(secrets, DatabasePasswordSecret, Server);
            SqlClientRole = new ProjectRoleResource(session.ResourceManager, "sql-client-role", spec.ProjectId, "roles/cloudsql.client", Server);
            // The server's logs and metrics reach Cloud Logging and Monitoring as its own account (Google's Terraform
            // example for a custom flexible service account grants the same); both roles exist only on the project.
            LogWriterRole = new ProjectRoleResource(session.ResourceManager, "log-writer-role", spec.ProjectId, "roles/logging.logWriter", Server);
            MetricWriterRole = new ProjectRoleResource(session.ResourceManager, "metric-writer-role", spec.ProjectId, "roles/monitoring.metricWriter", Server);
            ImageRepository = new ArtifactRepositoryResource(session.ArtifactRegistry, spec.ProjectId, spec.Region,
                names.ArtifactRepositoryName, names.Labels, Apis)
            {
                Locator = new ServerServiceLocator(session.AppEngine, session.ResourceManager, spec.ProjectId, names.Name, Bucket.ArtifactDestination,
                    spec.Input.Server.Service),
            };
            BuildServer(spec, session, builtInImage);
        }

        private void BuildServer(MlflowDeploymentSpec spec, GoogleCloudSession session, BuiltInImage? builtInImage)
        {
            var server = spec.Input.Server;
            var appEngine = session.AppEngine;
            var project = spec.ProjectId;
            App = new AppEngineAppResource(appEngine, project, spec.Input.AppEngineLocationId, Apis);
            Organization = new ProjectOrganizationResource(session.ResourceManager, project, server, spec.Input.WebAppUsers);
            Iap = new IapResource(appEngine, session.Storage, App, project, spec.Names.Name, server);
            var locator = ImageRepository.Locator!;
            Image = server.Image != null || server.FollowLive || builtInImage == null
                ? new GivenImageResource(server.Image, required: !server.FollowLive, session.AccessTokenAsync, session.Endpoints)
                : new PublishedImageResource(PublishRequest(spec, builtInImage), builtInImage.Options, ImageRepository, session.Endpoints)
                {
                    KeepServing = server.KeepsImage ? locator : null,
                };
            Service = new ServerServiceResource(locator, server);
            ImageReadAccess = new ImageReadAccessResource(session.ArtifactRegistry, project, spec.Region, Image, server.Image, ImageRepository,
                Server, locator, Apis);
            ServerAccountUser = new ServerAccountUserResource(session.Iam, project, Server, session.CallerMemberAsync, server.FollowLive);
            ServerSigning = new ServerSigningResource(session.Iam, project, Server);
            Version = new ServerVersionResource(appEngine, locator, server, Network, App, Iap, Image, DatabaseInstance,
                DatabasePasswordSecret, Bucket, Server, Database, DatabaseUser, DatabasePasswordAccess, SqlClientRole, BucketAccess,
                ImageReadAccess, LogWriterRole, MetricWriterRole, ServerAccountUser);
            Traffic = new ServerTrafficResource(appEngine, project, locator, Version);
            OldVersions = new OldVersionsResource(appEngine, project, locator, Version, Traffic);
            var names = spec.Names;
            var sharedUse = new SharedLogPusherUse(session.Iap, locator, names);
            IapAccess = new IapAccessResource(session.Iap, locator, server, spec.Input.WebAppUsers, LogPusher, names, Version);
            KeylessLogging = new KeylessLoggingResource(session.Iam, session.Iap, project, locator, server, spec.Input.WebAppUsers, LogPusher,
                names.OwnsSharedLogPusher ? sharedUse : null, IapAccess, Bucket);
            if (names.OwnsSharedLogPusher)
            {
                // The default deployment's log pusher is the account deployments once shared: kept while another lists it.
                LogPusher.KeepWhile = async ct =>
                {
                    var others = await sharedUse.ObserveAsync(ct).ConfigureAwait(false);
                    return others.Services.Count == 0 ? null
                        : $"{others.Describe()} still let{(others.Services.Count == 1 ? "s" : "")} people in as it; the next run of that deployment " +
                          "moves it to its own log pusher, and then a removal of this one deletes it";
                };
            }
            else
            {
                SharedLogPusher = new SharedLogPusherResource(session.Iam, session.Iap, project, names, locator, sharedUse, IapAccess, KeylessLogging);
            }
        }

        /// <summary>The deployment's label, and (unless they are read rather than given) the OAuth client it relies on and whether keyless logging is on.</summary>
        private static IReadOnlyDictionary<string, string> BucketLabels(MlflowDeploymentSpec spec)
        {
            var labels = spec.Names.Labels.ToDictionary(l => l.Key, l => l.Value);
            if (!spec.Input.Server.FollowLive)
            {
                labels[OAuthClientLabel.Key] = OAuthClientLabel.ValueOf(spec.Input.Server.OAuthClient?.ClientId ?? "");
                if (!spec.Input.Server.KeepsKeylessLogging)
                {
                    labels[DeploymentNames.KeylessLoggingLabelKey] = spec.Input.Server.KeylessLogging ? "on" : "off";
                }
            }
            return labels;
        }

        private static Images.ImagePublishRequest PublishRequest(MlflowDeploymentSpec spec, BuiltInImage builtIn) =>
            new Images.ImagePublishRequest(builtIn.ContextDirectory,
                builtIn.RegistryHost ?? Images.ImagePublishRequest.ArtifactRegistryHost(spec.Region),
                spec.ProjectId.Replace(':', '/'), spec.Names.ArtifactRepositoryName, DeploymentNames.ImageName);

        public MlflowDeploymentSpec Spec { get; }

        public RequiredApisResource Apis { get; }

        public NetworkResource Network { get; }

        public PeeringRangeResource PeeringRange { get; }

        public PrivateServicesConnectionResource PrivateServicesAccess { get; }

        public ArtifactBucketResource Bucket { get; }

        public ServiceAccountResource LogPusher { get; }

        public ServiceAccountResource Server { get; }

        public BucketIamResource BucketAccess { get; }

        public SqlInstanceResource DatabaseInstance { get; }

        public SqlDatabaseResource Database { get; }

        public DatabasePasswordSecretResource DatabasePasswordSecret { get; }

        public DatabaseUserResource DatabaseUser { get; }

        public SecretAccessorResource DatabasePasswordAccess { get; }

        public ProjectRoleResource SqlClientRole { get; }

        public ProjectRoleResource LogWriterRole { get; }

        public ProjectRoleResource MetricWriterRole { get; }

        public ArtifactRepositoryResource ImageRepository { get; }

        public ImageReadAccessResource ImageReadAccess { get; private set; } = null!;

        public ServerAccountUserResource ServerAccountUser { get; private set; } = null!;

        /// <summary>The server account's Token Creator role on itself, for the signed URLs of direct artifact uploads.</summary>
        public ServerSigningResource ServerSigning { get; private set; } = null!;

        public AppEngineAppResource App { get; private set; } = null!;

        public ProjectOrganizationResource Organization { get; private set; } = null!;

        public IapResource Iap { get; private set; } = null!;

        public ServerImageResource Image { get; private set; } = null!;

        public ServerServiceResource Service { get; private set; } = null!;

        public ServerVersionResource Version { get; private set; } = null!;

        public ServerTrafficResource Traffic { get; private set; } = null!;

        public OldVersionsResource OldVersions { get; private set; } = null!;

        public KeylessLoggingResource KeylessLogging { get; private set; } = null!;

        public IapAccessResource IapAccess { get; private set; } = null!;

        /// <summary>The move off the log pusher deployments once shared (null for the default deployment, which owns it).</summary>
        public SharedLogPusherResource? SharedLogPusher { get; private set; }

        /// <summary>Every resource, for the engine (it orders them by their dependencies).</summary>
        public IReadOnlyList<Resource> Resources => new Resource?[]
        {
            Apis, Network, PeeringRange, PrivateServicesAccess, Bucket, LogPusher, Server, BucketAccess, ImageRepository,
            DatabaseInstance, Database, DatabasePasswordSecret, DatabaseUser, DatabasePasswordAccess, SqlClientRole, LogWriterRole,
            MetricWriterRole, App, Organization, Service, Iap, Image, ImageReadAccess, ServerAccountUser, ServerSigning, Version, Traffic, OldVersions, IapAccess, KeylessLogging,
            SharedLogPusher,
        }.Where(r => r != null).Select(r => r!).ToList();

        /// <summary>The deployment as it stands after a run.</summary>
        public MlflowDeployment Describe(DeploymentRunReport run)
        {
            var deployment = DescribeLive();
            deployment.Changes = run.Resources;
            deployment.Run = run;
            var traffic = run.Resources.FirstOrDefault(r => r.ResourceId == Traffic.Id)?.Outcome;
            if (traffic == ResourceOutcome.Succeeded || traffic == ResourceOutcome.Unchanged)
            {
                deployment.ServingVersion = Version.Wanted?.Id ?? deployment.ServingVersion;
            }
            return deployment;
        }

        /// <summary>The deployment as a plan observed it: live outputs, and every change a run would make as drift.</summary>
        public MlflowDeployment Describe(DeploymentPlan plan)
        {
            var deployment = DescribeLive();
            deployment.Drift = plan.Changes.Where(c => c.Action != ChangeAction.None).ToList();
            return deployment;
        }

        private MlflowDeployment DescribeLive() => new MlflowDeployment
        {
            Name = Spec.Names.Name,
            ProjectId = Spec.ProjectId,
            Region = Spec.Region,
            AppEngineLocationId = Spec.Input.AppEngineLocationId,
            Network = Network.Network.Name,
            NetworkProjectId = Network.Network.ProjectId,
            NetworkName = Spec.UsesExistingNetwork ? Spec.Network.RelativeName : null,
            SubnetworkName = Version.Wanted?.Network?.SubnetworkName,
            PeeringRange = PeeringRange.RangeName,
            ArtifactBucket = Bucket.Name,
            ArtifactDestination = Bucket.ArtifactDestination,
            LogPusherServiceAccount = LogPusher.Email,
            ServerServiceAccount = Server.Email,
            ImageRepository = ImageRepository.RegistryUri,
            WebAppUser = IapAccess.WebUsers,
            DatabaseInstance = DatabaseInstance.Name,
            DatabaseConnectionName = DatabaseInstance.ConnectionName,
            DatabasePrivateIp = DatabaseInstance.PrivateIp ?? "",
            DatabaseVersion = DatabaseInstance.DatabaseVersion,
            DatabasePasswordSecret = DatabasePasswordSecret.ResourceName,
            TrackingUri = string.IsNullOrEmpty(App.DefaultHostname) || string.IsNullOrEmpty(Version.ServiceId)
                ? null
                : TrackingUriResolver.ForService(App.DefaultHostname!, Version.ServiceId!),
            Image = Version.Wanted?.Deployment?.Container?.Image ?? Image.Image?.Reference ?? "",
            Service = Version.ServiceId,
            ServingVersion = Version.ServingVersionId ?? "",
            IapEnabled = Iap.Enabled,
            OAuthClient = Iap.OAuthClient,
            KeylessLogging = KeylessLogging.Enabled,
        };
    }

    /// <summary>Builds the desired resource graph of a deployment.</summary>
    public static class DeploymentGraphBuilder
    {
        /// <param name="builtInImage">How to publish the module's image when -Image is not given; null requires -Image.</param>
        public static MlflowDeploymentGraph Build(MlflowDeploymentSpec spec, GoogleCloudSession session, BuiltInImage? builtInImage = null) =>
            new MlflowDeploymentGraph(spec, session, builtInImage);
    }
}
