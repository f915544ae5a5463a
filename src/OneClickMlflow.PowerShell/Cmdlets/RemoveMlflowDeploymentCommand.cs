using System;
using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Lease;
using OneClickMlflow.Deployment.Removal;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Removes what a deployment made, dependents first: service accounts (the shared log pusher only when no other
    /// deployment of the project remains), the image repository, the Cloud SQL instance (with a final backup), the
    /// password secret, the bindings, and the network with its range and peering when the deployment made them.
    /// Keeps the artifacts bucket, the enabled APIs and a network given with -NetworkName. -DeleteData also deletes
    /// the bucket and skips the final backup, after its own confirmation.
    /// </summary>
    // Both sets take pipeline input, so the default decides where piped input goes first: a deployment (or $null,
    // refused naming -InputObject) binds whole; any other object falls through to ProjectId and Name by property name.
    [Cmdlet(VerbsCommon.Remove, "MlflowDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = DeploymentSet, HelpUri = HelpLinks.RemoveMlflowDeployment)]
    [OutputType(typeof(MlflowDeploymentRemoval), typeof(PlannedChange))]
    public sealed class RemoveMlflowDeploymentCommand : DeploymentRunCmdlet
    {
        private const string ByNameSet = "ByName";
        private const string DeploymentSet = "Deployment";

        /// <summary>A deployment from Get-MlflowDeployment or New-MlflowDeployment.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DeploymentSet)]
        [AllowNull]
        public MlflowDeployment? InputObject { get; set; }

        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        /// <remarks>By property name: a deployment read back with Import-Clixml, received from a job or remoting, or
        /// cut down with Select-Object is no MlflowDeployment, so it binds here with its Name.</remarks>
        [Parameter(ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The deployment name given to New-MlflowDeployment.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        [AllowNull, AllowEmptyString]
        [ArgumentCompleter(typeof(DeploymentNameCompleter))]
        public string Name { get; set; } = "";

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        /// <summary>Also delete the artifacts bucket with its objects and the database without a final backup.</summary>
        [Parameter]
        public SwitchParameter DeleteData { get; set; }

        /// <summary>How many days Cloud SQL keeps the final backup of the database (1-365).</summary>
        [Parameter]
        [PSDefaultValue(Value = OneClickMlflow.Deployment.Resources.SqlInstanceResource.DefaultFinalBackupDays)]
        public int? FinalBackupRetentionDays { get; set; }

        /// <summary>Remove without asking for confirmation (the removal and -DeleteData's own).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Return the removal plan (one object per resource) and change nothing.</summary>
        [Parameter]
        public SwitchParameter PlanOnly { get; set; }

        protected override void ProcessRecord()
        {
            string? impersonate = null;
            string? givenProject = null;
            var options = new RemovalOptions { DeleteData = DeleteData };
            CheckParameters(() =>
            {
                if (ParameterSetName == DeploymentSet)
                {
                    var deployment = InputObject ?? throw new InvalidDeploymentInputException(nameof(InputObject),
                        "$null was piped or given. Pipe a deployment from Get-MlflowDeployment, or pass -Name.");
                    givenProject = DeploymentInputValidator.ValidateProjectId(deployment.ProjectId);
                    DeploymentInputValidator.ValidateDeploymentName(deployment.Name);
                    DeploymentInputValidator.ValidateRegion(deployment.Region, out _);
                }
                else
                {
                    givenProject = ProjectArgument(ProjectId);
                    DeploymentInputValidator.ValidateDeploymentName(Name);
                }
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
                CheckLockTimeout();
                options.FinalBackupRetentionDays = FinalBackupRetentionDays ?? options.FinalBackupRetentionDays;
                options.Validate();
            });
            var name = InputObject?.Name ?? Name;
            try
            {
                using GoogleCloudSession session = RunAsync(ct =>
                    OpenSessionAsync(givenProject, impersonate, ct, Reporter.Debug));
                var projectId = session.RequireProjectId();
                var location = InputObject != null
                    ? new DeploymentLocation(InputObject.Name, InputObject.Region)
                    : RunAsync(ct => DeploymentDiscovery.FindByNameAsync(session, projectId, Name, ct));
                if (location == null)
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No MLflow deployment named '{Name}' in project '{projectId}'."),
                        "DeploymentNotFound", ErrorCategory.ObjectNotFound, Name));
                    return;
                }

                Remove(session, projectId, location, options);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, name);
            }
        }

        private void Remove(GoogleCloudSession session, string projectId, DeploymentLocation location, RemovalOptions options)
        {
            using var progress = StartProgress($"Removing MLflow deployment '{location.Name}'");
            var engine = new DeploymentEngine(progress.EngineOptions());
            var whatIf = IsWhatIf();
            if (PlanOnly || whatIf)
            {
                // Plans and changes nothing: no lease.
                PlanRemoval(session, projectId, location, engine, options, whatIf);
                return;
            }

            var run = NewLeasedRun(session, DeploymentNames.For(projectId, location.Name), LeasedRun.RemoveOperation);
            var report = RunUnderLease(run, location.Name, () =>
            {
                var (removal, approval) = PlanRemoval(session, projectId, location, engine, options, whatIf: false);
                if (removal == null || approval == null)
                {
                    return null;
                }
                // The lease lives in the bucket: it stops renewing before -DeleteData empties it.
                removal.Graph.Bucket.BeforeDeletingObjects = run.Lease.StopRenewing;
                return new Attempt<MlflowDeploymentRemoval>((gate, ct) => removal.ApplyAsync(approval, gate, ct), removal.Graph, createsBucket: false);
            });
            if (report == null)
            {
                return;
            }
            WriteVerbose($"Removed in {report.Run?.WallTime.TotalSeconds:0.0}s.");
            var deferred = report.Run?.Deferred ?? Array.Empty<ResourceRunRecord>();
            foreach (var cause in deferred.Where(d => d.DeferredBy == null))
            {
                var waiting = deferred.Where(d => d.DeferredBy == cause.ResourceId).Select(d => $"{d.Kind} '{d.Name}'").ToList();
                WriteWarning($"{cause.Kind} '{cause.Name}': {cause.Message}" + (waiting.Count == 0 ? "" : $" Kept with it until then: {string.Join(", ", waiting)}."));
            }
            WriteObject(report);
        }

        /// <summary>Plans the removal and asks; the approval is null when nothing is to be applied.</summary>
        private (DeploymentRemoval? Removal, DeploymentApproval? Approval) PlanRemoval(GoogleCloudSession session, string projectId,
            DeploymentLocation location, DeploymentEngine engine, RemovalOptions options, bool whatIf)
        {
            var spec = RunAsync(ct => DeploymentDiscovery.SpecOfAsync(session, projectId, location, ct));
            var graph = DeploymentGraphBuilder.Build(spec, session);
            var removal = RunAsync(ct => DeploymentRemoval.PlanAsync(session, graph, engine, options, ct));
            WriteVerbose("Removal plan: " + removal.Plan.Summary);
            if (PlanOnly)
            {
                WriteObject(removal.Plan.Changes, enumerateCollection: true);
                return (null, null);
            }

            // -Confirm given either way wins over -Force: -Confirm asks about each change, -Confirm:$false about none.
            bool? confirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out var given) ? ((SwitchParameter)given).IsPresent : null;
            var asks = !whatIf && confirm != false && !(Force && confirm != true);
            if (asks && removal.DataLoss is string loss && !Confirmed(location, () => ConfirmDataLoss(loss, location)))
            {
                WriteWarning($"Nothing was removed: deleting the data of deployment '{location.Name}' was declined. " +
                             "Run again without -DeleteData to remove the deployment and keep its data.");
                return (null, null);
            }

            DeploymentApproval approval;
            if (whatIf || confirm == true)
            {
                approval = Confirmed(location, () => ChangeApproval.Ask(this, removal.Plan, out whatIf));
            }
            else if (!asks || !removal.Plan.HasChanges)
            {
                approval = removal.Plan.ApproveAll();
            }
            else
            {
                // One question after one summary of what goes and what stays, as ShouldProcess asks (so
                // $ConfirmPreference still decides whether it is asked at all).
                var summary = RemovalSummary.Of(removal.Plan);
                approval = Confirmed(location, () => ShouldProcess($"MLflow deployment '{location.Name}' in project '{projectId}'", summary))
                    ? removal.Plan.ApproveAll()
                    : removal.Plan.Approve(_ => false);
            }
            return whatIf || (removal.Plan.HasChanges && approval.Approved.Count == 0) ? (null, null) : (removal, approval);
        }

        /// <summary>Asks about deleting the data with No as the default answer (a security-impact question).</summary>
        private bool ConfirmDataLoss(string loss, DeploymentLocation location)
        {
            bool yesToAll = false, noToAll = false;
            return ShouldContinue(loss, $"Delete the data of MLflow deployment '{location.Name}'?", hasSecurityImpact: true, ref yesToAll, ref noToAll);
        }

        /// <summary>
        /// Asks, or stops with its own error when this PowerShell cannot ask (pwsh -NonInteractive, a job, a host
        /// without a user interface): a removal is never confirmed by default, and it needs -Force there.
        /// </summary>
        private T Confirmed<T>(DeploymentLocation location, Func<T> ask)
        {
            try
            {
                return ask();
            }
            catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException)
            {
                throw new ConfirmationUnavailableException(
                    $"Removing MLflow deployment '{location.Name}' needs your confirmation, and this PowerShell session cannot ask " +
                    $"({e.Message.TrimEnd('.')}). Nothing was removed.", e);
            }
        }
    }
}
