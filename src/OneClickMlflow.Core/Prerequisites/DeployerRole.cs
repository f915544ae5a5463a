using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace OneClickMlflow.Prerequisites
{
    /// <summary>
    /// A custom role with exactly the permissions the module uses on a project (<see cref="PrerequisiteChecker.RequiredPermissions"/>,
    /// the union of what the deployment's resources declare): what docs/roles.md shows, and the gcloud line that makes it.
    /// </summary>
    public static class DeployerRole
    {
        public const string RoleId = "oneClickMlflowDeployer";
        public const string Title = "OneClickMlflow deployer";

        /// <summary>The gcloud command that creates the role in a project.</summary>
        public static string CreateCommand(IEnumerable<string> permissions, string projectId = "PROJECT_ID") =>
            $"gcloud iam roles create {RoleId} --project={projectId} --title=\"{Title}\" --stage=GA --permissions={string.Join(",", permissions)}";

        /// <summary>The block docs/roles.md carries between its markers: the permissions, a line each, and the command.</summary>
        public static string DocumentationBlock(IReadOnlyList<string> permissions)
        {
            var text = new StringBuilder();
            text.Append("```text\n");
            foreach (var permission in permissions)
            {
                text.Append(permission).Append('\n');
            }
            text.Append("```\n\n```sh\n").Append(CreateCommand(permissions)).Append('\n').Append("```\n");
            return text.ToString();
        }
    }
}
