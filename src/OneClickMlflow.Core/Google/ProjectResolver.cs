using System.Text.RegularExpressions;

namespace OneClickMlflow.Google
{
    /// <summary>Which project a command works on: the parameter, then CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
    public static class ProjectResolver
    {
        private static readonly Regex ProjectIdSyntax = new Regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", RegexOptions.CultureInvariant);

        public const string NoProjectMessage = "No project: pass -ProjectId or run gcloud config set project ID";

        /// <summary>The project id, or null when none is configured and none is required.</summary>
        public static string? Resolve(string? explicitProject, GcloudConfiguration configuration, bool required)
        {
            // GcloudConfiguration.Get already lets CLOUDSDK_CORE_PROJECT win over the file.
            var project = !string.IsNullOrWhiteSpace(explicitProject) ? explicitProject!.Trim() : configuration.Get("core", "project");
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
            if (!ProjectIdSyntax.IsMatch(projectId))
            {
                throw new ProjectNotConfiguredException(
                    $"'{projectId}' is not a valid project id: use 6 to 30 lowercase letters, digits or hyphens, " +
                    "starting with a letter and not ending with a hyphen.");
            }
        }
    }
}
