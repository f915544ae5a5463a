using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;
using OneClickMlflow.Images;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Builds the MLflow server image with the local Docker engine and pushes it to Artifact Registry, tagged with
    /// a hash of its content; does nothing when the registry already has that tag. The repository (and the Artifact
    /// Registry API) is made first when missing.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "MlflowImage", SupportsShouldProcess = true, HelpUri = HelpLinks.PublishMlflowImage)]
    [OutputType(typeof(ImagePublishResult))]
    public sealed class PublishMlflowImageCommand : AsyncCmdlet
    {
        private const string Activity = "Publish-MlflowImage";
        private const string ArtifactRegistryService = "artifactregistry.googleapis.com";

        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>The Artifact Registry region, e.g. europe-west1.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull, AllowEmptyString]
        [ArgumentCompleter(typeof(RegionCompleter))]
        [Alias("Location")]
        public string Region { get; set; } = "";

        /// <summary>The Artifact Registry repository id (default mlflow).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Repository { get; set; } = "mlflow";

        /// <summary>The image's name in the repository (default mlflow).</summary>
        [Parameter]
        public string ImageName { get; set; } = DeploymentNames.ImageName;

        /// <summary>The build context; defaults to the image definition shipped in the module's image folder.</summary>
        [Parameter]
        [PSDefaultValue(Help = "the image definition in the module's image folder")]
        public string? Path { get; set; }

        /// <summary>Passed as MLFLOW_VERSION; omitted, the Dockerfile's pinned version is used.</summary>
        [Parameter]
        public string? MlflowVersion { get; set; }

        /// <summary>More Dockerfile build arguments, NAME = value.</summary>
        [Parameter]
        public Hashtable? BuildArgument { get; set; }

        /// <summary>Another registry host[:port] than {Region}-docker.pkg.dev (a mirror, or a loopback test registry).</summary>
        [Parameter]
        public string? RegistryHost { get; set; }

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        protected override void ProcessRecord()
        {
            string? givenProject = null, impersonate = null;
            CheckParameters(() =>
            {
                givenProject = ProjectArgument(ProjectId);
                Region = ImagePublishInputs.ValidateRegion(Argument(nameof(Region), Region));
                Repository = ImagePublishInputs.ValidateRepository(Argument(nameof(Repository), Repository) ?? "mlflow");
                ImagePublishInputs.ValidateImageName(ImageName);
                if (Path != null)
                {
                    ImagePublishInputs.ValidatePath(Path);
                }
                ImagePublishInputs.ValidateMlflowVersion(MlflowVersion);
                foreach (var key in (BuildArgument ?? new Hashtable()).Keys)
                {
                    ImagePublishInputs.ValidateBuildArgumentName(key as string ?? key?.ToString());
                }
                RegistryReach.EnsureReachable(ImagePublishInputs.ValidateRegistryHost(RegistryHost), ConfiguredEndpoints(), nameof(RegistryHost));
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
            });
            string context = ContextDirectory();
            if (!Directory.Exists(context))
            {
                ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"The image build context '{context}' is not a directory."),
                    "ImageContextNotFound", ErrorCategory.ObjectNotFound, context)
                {
                    ErrorDetails = new ErrorDetails($"The image build context '{context}' is not a directory. Pass -Path with the folder holding the Dockerfile."),
                });
            }
            GoogleCloudSession? session = null;
            try
            {
                session = RunAsync(cancellationToken => OpenSessionAsync(givenProject, impersonate, cancellationToken));
                ImagePublishRequest request = Request(context, session.RequireProjectId());
                if (!ShouldProcess(request.ImageRepository, $"Create the repository if missing, build {context} and push it if the registry lacks its content tag"))
                {
                    return;
                }
                EnsureRepository(session, request.ProjectId);
                ImagePublishResult result = RunAsync(cancellationToken => PublishAsync(session, request, cancellationToken));
                WriteObject(result);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, ProjectId ?? session?.ProjectId);
            }
            finally
            {
                session?.Dispose();
            }
        }

        /// <summary>
        /// Creates the Artifact Registry repository (and enables its API) when missing, through the deployment engine
        /// and the same resource New-MlflowDeployment uses.
        /// </summary>
        private void EnsureRepository(GoogleCloudSession session, string projectId)
        {
            var apis = new RequiredApisResource(session.ServiceUsage, projectId, new[] { ArtifactRegistryService });
            var repository = new ArtifactRepositoryResource(session.ArtifactRegistry, projectId, Region, Repository,
                new Dictionary<string, string> { [DeploymentNames.LabelKey] = Repository }, apis);
            var engine = new DeploymentEngine();
            DeploymentPlan plan = RunAsync(ct => engine.PlanAsync(new Resource[] { apis, repository }, ct));
            Reporter.Verbose("Image repository: " + plan.Summary);
            if (plan.HasChanges)
            {
                Reporter.Progress(new ProgressRecord(0, Activity, $"Creating repository {repository.RegistryUri}") { CurrentOperation = "Repository" });
                RunAsync(ct => engine.ApplyAsync(plan.ApproveAll(), ct));
            }
        }

        private Task<ImagePublishResult> PublishAsync(GoogleCloudSession session, ImagePublishRequest request, System.Threading.CancellationToken cancellationToken)
        {
            var options = new ImagePublisherOptions(
                DockerEngineProbe.EngineEndpoint(GoogleCloudSession.ProcessEnvironment()),
                session.AccessTokenAsync)
            {
                Progress = progress => Reporter.Progress(new ProgressRecord(0, Activity, progress.Status)
                {
                    CurrentOperation = progress.Stage,
                    PercentComplete = progress.PercentComplete ?? -1,
                }),
                Verbose = Reporter.Verbose,
            };
            Reporter.Verbose($"Publishing {request.ImageRepository} from {request.ContextDirectory} as {session.Account}.");
            return PublishAndCompleteAsync(new ImagePublisher(options), request, cancellationToken);
        }

        private async Task<ImagePublishResult> PublishAndCompleteAsync(ImagePublisher publisher, ImagePublishRequest request, System.Threading.CancellationToken cancellationToken)
        {
            ImagePublishResult result = await publisher.PublishAsync(request, cancellationToken).ConfigureAwait(false);
            Reporter.Progress(new ProgressRecord(0, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            return result;
        }

        private ImagePublishRequest Request(string context, string projectId)
        {
            var request = new ImagePublishRequest(context, RegistryHost ?? ImagePublishRequest.ArtifactRegistryHost(Region),
                projectId, Repository, ImageName, MlflowVersion);
            foreach (DictionaryEntry argument in BuildArgument ?? new Hashtable())
            {
                request.BuildArguments[argument.Key.ToString()!] = argument.Value?.ToString() ?? "";
            }
            return request;
        }

        private string ContextDirectory()
        {
            if (Path != null)
            {
                return GetUnresolvedProviderPathFromPSPath(Path);
            }
            string moduleBase = MyInvocation.MyCommand.Module?.ModuleBase
                ?? System.IO.Path.GetDirectoryName(typeof(PublishMlflowImageCommand).Assembly.Location)!;
            return System.IO.Path.Combine(moduleBase, "image");
        }
    }
}
