using System;
using System.Collections.Generic;
using OneClickMlflow.Prerequisites;

namespace OneClickMlflow.Deployment.Preflight
{
    /// <summary>The plan cannot be carried out as the caller is: permissions it lacks, or no Docker engine to build with. Nothing was changed.</summary>
    public sealed class PreflightFailedException : Exception
    {
        public PreflightFailedException(string projectId, IReadOnlyList<string> missingPermissions, string? dockerProblem)
            : base(Describe(projectId, missingPermissions, dockerProblem))
        {
            ProjectId = projectId;
            MissingPermissions = missingPermissions;
            DockerProblem = dockerProblem;
        }

        public string ProjectId { get; }

        public IReadOnlyList<string> MissingPermissions { get; }

        /// <summary>Why the Docker engine the image would be built with does not answer; null when it does (or is not needed).</summary>
        public string? DockerProblem { get; }

        /// <summary>The role that grants what is missing, and how to reach the engine.</summary>
        public string RecommendedAction
        {
            get
            {
                var steps = new List<string>();
                if (MissingPermissions.Count > 0)
                {
                    steps.Add("Grant roles/owner on the project, or a role with these permissions (docs/roles.md lists the whole deployer role): " +
                              DeployerRole.CreateCommand(MissingPermissions, ProjectId));
                }
                if (DockerProblem != null)
                {
                    steps.Add("Start the Docker engine (or set DOCKER_HOST to one), or pass -Image to deploy an image already in a registry");
                }
                return string.Join("; ", steps) + ". Then run the command again.";
            }
        }

        private static string Describe(string projectId, IReadOnlyList<string> missing, string? dockerProblem)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"the plan needs {missing.Count} permission(s) the caller lacks on project '{projectId}': {string.Join(", ", missing)}");
            }
            if (dockerProblem != null)
            {
                parts.Add("the plan builds the server image, and " + dockerProblem);
            }
            return "Checked before any change: " + string.Join("; and ", parts) + ". Nothing was changed.";
        }
    }
}
