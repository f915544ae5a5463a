using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OneClickMlflow.PowerShell.Completion
{
    /// <summary>Completes a parameter from a known set of values, those that start with what was typed.</summary>
    public abstract class FixedSetCompleter : IArgumentCompleter
    {
        private readonly IEnumerable<string> values;
        private readonly string description;

        protected FixedSetCompleter(IEnumerable<string> values, string description)
        {
            this.values = values;
            this.description = description;
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionMatches.StartingWith(values, wordToComplete, description);
    }
}
