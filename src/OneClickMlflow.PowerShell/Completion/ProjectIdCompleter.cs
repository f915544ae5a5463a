using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneClickMlflow.Google;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -ProjectId from the projects of the gcloud configurations on this machine (no network call).</summary>
    public sealed class ProjectIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var projects = GcloudConfiguration.ConfiguredProjects(GoogleCloudSession.ProcessEnvironment());
            return CompletionMatches.StartingWith(projects, wordToComplete, "gcloud configuration project");
        }
    }
}
