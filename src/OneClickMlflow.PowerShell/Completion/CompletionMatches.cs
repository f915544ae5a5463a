using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace OneClickMlflow.PowerShell.Completion
{
    internal static class CompletionMatches
    {
        /// <summary>Values that start with what was typed (quotes ignored, case-insensitive), as completion results.</summary>
        public static IEnumerable<CompletionResult> StartingWith(IEnumerable<string> values, string? wordToComplete, string description)
        {
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            return values
                .Where(value => value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, $"{value} ({description})"))
                .ToList();
        }
    }
}
