using System;
using System.Management.Automation;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Completion;
using OneClickMlflow.PowerShell.Infrastructure;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// Reports whether this caller can deploy MLflow into the project from this machine: enabled and missing
    /// APIs, held and missing IAM permissions, and whether a Docker engine answers. Changes nothing.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MlflowPrerequisite", HelpUri = HelpLinks.TestMlflowPrerequisite)]
    [OutputType(typeof(PrerequisiteReport))]
    [OutputType(typeof(bool))]
    public sealed class TestMlflowPrerequisiteCommand : AsyncCmdlet
    {
        /// <summary>Defaults to CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ProjectIdCompleter))]
        [PSDefaultValue(Help = ParameterDefaults.ProjectId)]
        [Alias("Project")]
        public string? ProjectId { get; set; }

        /// <summary>A service account to act as (its e-mail); defaults to gcloud's auth/impersonate_service_account.</summary>
        [Parameter]
        [PSDefaultValue(Help = ParameterDefaults.ImpersonateServiceAccount)]
        public string? ImpersonateServiceAccount { get; set; }

        /// <summary>Return only $true when everything is ready, $false otherwise.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            string? givenProject = null;
            string? impersonate = null;
            CheckParameters(() =>
            {
                givenProject = ProjectArgument(ProjectId);
                impersonate = ImpersonationTarget(ImpersonateServiceAccount);
            });
            PrerequisiteReport report;
            try
            {
                report = RunAsync(async cancellationToken =>
                {
                    using GoogleCloudSession session = await OpenSessionAsync(givenProject, impersonate, cancellationToken).ConfigureAwait(false);
                    Reporter.Verbose($"Checking project '{session.ProjectId}' as {session.Account} ({session.CredentialSource}).");
                    var progress = new ProgressRecord(0, "Test-MlflowPrerequisite", $"Checking APIs, permissions and Docker for '{session.ProjectId}'");
                    Reporter.Progress(progress);
                    var checker = new PrerequisiteChecker(session, new DockerEngineProbe());
                    PrerequisiteReport result = await checker.CheckAsync(cancellationToken).ConfigureAwait(false);
                    Reporter.Progress(new ProgressRecord(0, progress.Activity, "Done") { RecordType = ProgressRecordType.Completed });
                    return result;
                });
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not PipelineStoppedException)
            {
                ThrowMapped(exception, ProjectId);
                return;
            }

            if (Quiet)
            {
                WriteObject(report.Ready);
                return;
            }

            WriteObject(report);
        }
    }
}
