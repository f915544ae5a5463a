using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;
using OneClickMlflow.Images;
using OneClickMlflow.Prerequisites;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Lease;
using OneClickMlflow.Deployment.Preflight;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Deploys (or brings back to its wanted state) a private MLflow tracking server: required APIs, network,
    /// private services access, artifacts bucket, service accounts and their access, the Cloud SQL database with
    /// its password in Secret Manager, and the server on App Engine flexible behind IAP. Every parameter is checked
    /// before any call; each planned change goes through ShouldProcess; a re-run changes only what differs.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MlflowDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = DeploySet, HelpUri = HelpLinks.NewMlflowDeployment)]
    [OutputType(typeof(MlflowDeployment), ParameterSetName = new[] { DeploySet })]
    [OutputType(typeof(PlannedChange), ParameterSetName = new[] { PlanSet })]
    public sealed class NewMlflowDeploymentCommand : DeploymentRunCmdlet
    {
        private const string DeploySet = "Deploy";
        private const string PlanSet = "Plan";

        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>A Google Cloud region where App Engine runs, e.g. europe-west1.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull, AllowEmptyString]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [Alias("Location")]
        public string Region { get; set; } = "";

        /// <summary>The deployment name every resource name derives from.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string Name { get; set; } = DeploymentNames.DefaultName;

        /// <summary>An existing VPC network to use (name, relative path or URL); by default the deployment makes NAME-network.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? NetworkName { get; set; }

        /// <summary>The subnetwork of -NetworkName in -Region the server runs on (custom subnet mode networks); by default the region's only one.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? SubnetworkName { get; set; }

        /// <summary>IAM members let through IAP: user:, group:, serviceAccount: or domain:. Left out, those let through now stay; @() revokes them all (asked as a High-impact change).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? WebAppUser { get; set; }

        /// <summary>The Cloud SQL MySQL version (MYSQL_8_0 or MYSQL_8_4); an existing instance is only ever upgraded.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(DatabaseVersionCompleter))]
        [PSDefaultValue(Help = DatabaseSettings.DefaultVersion + " for a new instance; an existing one keeps its version")]
        public string? DatabaseVersion { get; set; }

        /// <summary>The Cloud SQL machine tier of the ENTERPRISE edition, e.g. db-g1-small or db-custom-2-7680.</summary>
        [Parameter]
        [PSDefaultValue(Help = DatabaseSettings.DefaultTier + " for a new instance; an existing one keeps its tier")]
        [ArgumentCompleter(typeof(DatabaseTierCompleter))]
        public string? DatabaseTier { get; set; }

        /// <summary>How many days of daily backups to keep (1-365); point-in-time recovery covers up to 7 of them.</summary>
        [Parameter]
        [PSDefaultValue(Help = "7 for a new instance; an existing one keeps its retention")]
        public int? BackupRetentionDays { get; set; }

        /// <summary>Days the artifacts bucket keeps an object's older versions after it is overwritten or deleted (1-3650; a new bucket: 30).</summary>
        [Parameter]
        [PSDefaultValue(Help = "30 for a bucket without the rule; an existing rule is kept")]
        public int? NoncurrentVersionDays { get; set; }

        /// <summary>The server image, REGISTRY/PATH:TAG (pinned to the digest the registry serves) or REGISTRY/PATH@sha256:DIGEST; omitted, the image that serves stays (a new deployment: the module builds and publishes its own).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Image { get; set; }

        /// <summary>Build and publish the module's own image again and serve it (when its content changed), instead of keeping the serving image.</summary>
        [Parameter]
        public SwitchParameter RebuildImage { get; set; }

        /// <summary>The App Engine service; by default 'default' in a project without services, else one named after the deployment.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PSDefaultValue(Help = "the service serving this deployment, else 'default' in a project without services, else the deployment name")]
        public string? Service { get; set; }

        /// <summary>Your own OAuth client for IAP (needed for users outside your organisation); omitted, Google's managed client.</summary>
        [Parameter]
        public string? OAuthClientId { get; set; }

        /// <summary>The secret of -OAuthClientId, as a SecureString.</summary>
        [Parameter]
        public SecureString? OAuthClientSecret { get; set; }

        /// <summary>Change the App Engine application's OAuth client although other deployments of the project rely on the current one.</summary>
        [Parameter]
        public SwitchParameter ChangeSharedOAuthClient { get; set; }

        /// <summary>Do not let web users mint tokens as the log pusher (and remove such grants made before); -NoKeylessLogging:$false turns it back on; left out, it stays as it is (on for a new deployment).</summary>
        [Parameter]
        public SwitchParameter NoKeylessLogging { get; set; }

        /// <summary>CPUs per instance: 1 or an even number up to 80 (default 1).</summary>
        [Parameter]
        [PSDefaultValue(Help = "1 for a new deployment; else the serving version's")]
        public double? Cpu { get; set; }

        /// <summary>Memory per instance in GB: 0.9 to 6.5 per CPU, less 0.4 (default 2).</summary>
        [Parameter]
        [PSDefaultValue(Help = "2 for a new deployment; else the serving version's")]
        public double? MemoryGb { get; set; }

        /// <summary>Disk per instance in GB, 10 to 10240 (default 10).</summary>
        [Parameter]
        [PSDefaultValue(Help = "10 for a new deployment; else the serving version's")]
        public double? DiskGb { get; set; }

        /// <summary>Fewest instances, 1 to 2000 (default 1).</summary>
        [Parameter]
        [PSDefaultValue(Help = "1 for a new deployment; else the serving version's")]
        public int? MinInstances { get; set; }

        /// <summary>Most instances, -MinInstances to 2000 (default 2).</summary>
        [Parameter]
        [PSDefaultValue(Help = "2 (or -MinInstances when larger) for a new deployment; else the serving version's")]
        public int? MaxInstances { get; set; }

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        /// <summary>Return the plan (one object per resource) and change nothing.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PlanSet)]
        public SwitchParameter PlanOnly { get; set; }

        protected override void ProcessRecord()
        {
            MlflowDeploymentSpec spec = null!;
            string? impersonate = null;
            CheckParameters(() =>
            {
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
                CheckLockTimeout();
                spec = MlflowDeploymentSpec.From(new DeploymentInput
                {
                    ProjectId = Argument(nameof(ProjectId), ProjectId) ?? ConfiguredProject(),
                    Name = Argument(nameof(Name), Name) ?? DeploymentNames.DefaultName,
                    Region = Argument(nameof(Region), Region),
                    NetworkName = Argument(nameof(NetworkName), NetworkName),
                    SubnetworkName = Argument(nameof(SubnetworkName), SubnetworkName),
                    WebAppUsers = WebAppUser,
                    DatabaseVersion = DatabaseVersion,
                    DatabaseTier = DatabaseTier,
                    BackupRetentionDays = BackupRetentionDays,
                    NoncurrentVersionDays = NoncurrentVersionDays,
                    Image = Argument(nameof(Image), Image),
                    RebuildImage = RebuildImage,
                    Service = Argument(nameof(Service), Service),
                    OAuthClientId = OAuthClientId,
                    OAuthClientSecret = OAuthClientSecret,
                    ChangeSharedOAuthClient = ChangeSharedOAuthClient,
                    NoKeylessLogging = MyInvocation.BoundParameters.ContainsKey(nameof(NoKeylessLogging)) ? NoKeylessLogging.IsPresent : null,
                    Cpu = Cpu,
                    MemoryGb = MemoryGb,
                    DiskGb = DiskGb,
                    MinInstances = MinInstances,
                    MaxInstances = MaxInstances,
                });
                // Without -Image the serving image may be kept: the module's own image is checked once it is wanted.
                if (spec.Input.Server.Image != null)
                {
                    RegistryReach.EnsureReachable(spec.Input.Server.Image, ConfiguredEndpoints());
                }
            });

            try
            {
                Deploy(spec, impersonate);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, spec.Names.Name);
            }
        }

        private void Deploy(MlflowDeploymentSpec spec, string? impersonate)
        {
            using var progress = StartProgress($"MLflow deployment '{spec.Names.Name}'");
            var engine = new DeploymentEngine(progress.EngineOptions());
            using GoogleCloudSession session = RunAsync(ct =>
                OpenSessionAsync(spec.ProjectId, impersonate, ct, Reporter.Debug));
            Reporter.Verbose($"Deploying '{spec.Names.Name}' to project '{spec.ProjectId}' in {spec.Region} as {session.Account}.");
            var builtIn = spec.Input.Server.Image == null ? BuiltInImage(session) : null;
            if (PlanOnly || IsWhatIf())
            {
                // Plans and changes nothing: no lease.
                Plan(spec, session, engine, builtIn, out _, out _);
                return;
            }

            var run = NewLeasedRun(session, spec.Names, LeasedRun.NewOperation);
            MlflowDeploymentGraph? applied = null;
            var report = RunUnderLease(run, spec.Names.Name, () =>
            {
                var approval = Plan(spec, session, engine, builtIn, out var graph, out var bucketMissing);
                applied = graph;
                return approval == null ? null : new Attempt<DeploymentRunReport>((gate, ct) => engine.ApplyAsync(approval, gate, ct), graph, bucketMissing);
            });
            if (report == null || applied == null)
            {
                return;
            }
            WriteVerbose($"Applied in {report.WallTime.TotalSeconds:0.0}s.");
            WriteObject(applied.Describe(report));
        }

        /// <summary>Plans and asks; returns the approval to apply, or null when there is nothing to apply (or -WhatIf, -PlanOnly).</summary>
        private DeploymentApproval? Plan(MlflowDeploymentSpec spec, GoogleCloudSession session, DeploymentEngine engine, BuiltInImage? builtIn,
            out MlflowDeploymentGraph graph, out bool bucketMissing)
        {
            var built = DeploymentGraphBuilder.Build(spec, session, builtIn);
            graph = built;
            var plan = RunAsync(ct => engine.PlanAsync(built.Resources, ct));
            if (spec.Input.Server.Image == null && plan.Changes.Any(c => c.ResourceId == built.Image.Id && c.Action != ChangeAction.None))
            {
                // The module's own image is wanted (nothing serves yet, or -RebuildImage): refused before any change where it cannot be pushed.
                RegistryReach.EnsureReachable(null, session.Endpoints, "Image");
            }
            bucketMissing = plan.Changes.Any(c => c.ResourceId == built.Bucket.Id && c.Action == ChangeAction.Create);
            WriteVerbose("Plan: " + plan.Summary);
            foreach (var warning in plan.Changes.Select(c => c.Warning).OfType<string>())
            {
                WriteWarning(warning);
            }
            var tagged = spec.Input.Server.Image is { IsPinned: false } given ? given : null;
            if (tagged != null)
            {
                WriteVerbose($"-Image {tagged} is {built.Image.Image!.Reference} in the registry now.");
            }
            if (PlanOnly)
            {
                WriteObject(plan.Changes, enumerateCollection: true);
                return null;
            }

            var approval = ChangeApproval.Ask(this, plan, out var whatIf);
            if (whatIf && tagged != null)
            {
                // The pinned image is no change of its own, yet it is what the version would run.
                ShouldProcess(built.Image.Image!.Reference, $"Run the digest that tag '{tagged.Tag}' of {tagged.Repository} names now");
            }
            if (whatIf || (plan.HasChanges && approval.Approved.Count == 0))
            {
                return null;
            }
            // Before anything bills: the permissions of every approved change, and the engine when an image is built.
            RunAsync(async ct =>
            {
                await DeploymentPreflight.CheckAsync(session, built, approval, builtIn == null ? null : new DockerEngineProbe(), ct).ConfigureAwait(false);
                return true;
            });
            return approval;
        }

        private BuiltInImage BuiltInImage(GoogleCloudSession session)
        {
            var options = new ImagePublisherOptions(DockerEngineProbe.EngineEndpoint(GoogleCloudSession.ProcessEnvironment()),
                session.AccessTokenAsync)
            {
                Verbose = Reporter.Verbose,
            };
            var moduleBase = MyInvocation.MyCommand.Module?.ModuleBase
                             ?? System.IO.Path.GetDirectoryName(typeof(NewMlflowDeploymentCommand).Assembly.Location)!;
            return new BuiltInImage(System.IO.Path.Combine(moduleBase, "image"), options);
        }

        /// <summary>The project gcloud would use (CLOUDSDK_CORE_PROJECT, then core/project); read without any call.</summary>
        private static string? ConfiguredProject() =>
            GcloudConfiguration.Load(GoogleCloudSession.ProcessEnvironment()).Get("core", "project");
    }
}
