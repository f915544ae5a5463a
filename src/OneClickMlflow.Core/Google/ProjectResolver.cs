using OneClickMlflow.Deployment;

namespace OneClickMlflow.Google
{
    /// <summary>Which project a command works on: the parameter, then CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
    public static class ProjectResolver
    {
        public const string NoProjectMessage = "No project: pass -ProjectId or run gcloud config set project ID";

        /// <summary>
        /// The project id, or null when none is configured and none is required. A given project (-ProjectId) is used
        /// exactly as given or refused: never trimmed, and never replaced by the configured one.
        /// </summary>
        public static string? Resolve(string? explicitProject, GcloudConfiguration configuration, bool required)
        {
            if (explicitProject != null)
            {
                return DeploymentInputValidator.ValidateProjectId(explicitProject);
            }
            // GcloudConfiguration.Get already lets CLOUDSDK_CORE_PROJECT win over the file.
            var project = configuration.Get("core", "project");
            if (project == null)
            {
                if (required)
                {
                    throw new ProjectNotConfiguredException(NoProjectMessage);
                }
                return null;
            }
            Validate(project);
            return project;
        }

        public static void Validate(string projectId)
        {
            if (!DeploymentInputValidator.IsProjectId(projectId))
            {
                throw new ProjectNotConfiguredException(
                    $"The configured project (CLOUDSDK_CORE_PROJECT or gcloud's core/project) '{ParameterChecks.Shown(projectId)}' is not a valid project id: use 6 to 30 lowercase letters, digits or hyphens, " +
                    "starting with a letter and not ending with a hyphen.");
            }
        }
    }
}
