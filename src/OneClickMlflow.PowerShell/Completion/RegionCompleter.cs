using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -Region from the Google Cloud regions App Engine serves.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionMatches.StartingWith(AppEngineLocations.Regions, wordToComplete, "App Engine location");
    }
}
