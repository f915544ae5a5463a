using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>
    /// Completes -Name from the deployments of the project (-ProjectId as typed, else gcloud's project): asked of
    /// Google within two seconds, remembered for a minute, nothing on any failure.
    /// </summary>
    public sealed class DeploymentNameCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var project = fakeBoundParameters["ProjectId"] as string
                          ?? GcloudConfiguration.Load(GoogleCloudSession.ProcessEnvironment()).Get("core", "project");
            if (string.IsNullOrEmpty(project))
            {
                return Array.Empty<CompletionResult>();
            }

            var names = DeploymentNameLookup.Names(project!, fakeBoundParameters["ImpersonateServiceAccount"] as string, Deadline);
            return CompletionMatches.StartingWith(names, wordToComplete, $"deployment in {project}");
        }
    }
}
