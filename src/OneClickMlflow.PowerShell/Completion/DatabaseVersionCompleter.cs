using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes -DatabaseVersion from the MySQL versions Cloud SQL creates.</summary>
    public sealed class DatabaseVersionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionMatches.StartingWith(DatabaseSettings.Versions, wordToComplete, "Cloud SQL for MySQL version");
    }
}
