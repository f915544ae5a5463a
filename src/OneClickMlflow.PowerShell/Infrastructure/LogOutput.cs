using System;
using System.Collections;
using System.Linq;
using System.Management.Automation.Host;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Whether the command's output ends up in a log rather than in front of a person: then a progress bar shows
    /// nothing, and the command writes a line per milestone instead.
    /// </summary>
    internal static class LogOutput
    {
        /// <summary>Variables CI services set: CI (GitHub Actions, GitLab, CircleCI, Travis), TF_BUILD (Azure DevOps), GITHUB_ACTIONS.</summary>
        private static readonly string[] CiVariables = { "CI", "TF_BUILD", "GITHUB_ACTIONS" };

        public static bool IsWanted(PSHost? host) =>
            InCi(Environment.GetEnvironmentVariables()) || StartedNonInteractive(Environment.GetCommandLineArgs())
            || Console.IsOutputRedirected || !HasRawUi(host);

        /// <summary>Whether a CI service's variable is set (to anything but false or 0).</summary>
        public static bool InCi(IDictionary environment) =>
            CiVariables.Any(name => environment[name] is string value && value.Length > 0
                                    && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0");

        /// <summary>pwsh -NonInteractive (or its shortest form -noni, also with / on Windows).</summary>
        public static bool StartedNonInteractive(string[] arguments) =>
            arguments.Any(a => a.Length >= 5 && (a[0] == '-' || a[0] == '/')
                               && "noninteractive".StartsWith(a.Substring(1).ToLowerInvariant(), StringComparison.Ordinal));

        private static bool HasRawUi(PSHost? host)
        {
            try
            {
                return host?.UI?.RawUI != null;
            }
            catch (Exception e) when (e is HostException or NotImplementedException or NotSupportedException)
            {
                return false;
            }
        }
    }
}
