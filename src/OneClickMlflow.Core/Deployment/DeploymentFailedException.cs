using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// One or more resources failed to apply. Independent resources were still applied; dependents of a failed
    /// resource were skipped. The first failure's exception is the inner exception.
    /// </summary>
    public sealed class DeploymentFailedException : Exception
    {
        internal DeploymentFailedException(DeploymentRunReport report)
            : base(BuildMessage(report), report.Failed.Select(f => f.Error).FirstOrDefault())
        {
            Report = report;
        }

        /// <summary>The whole run: what succeeded, what failed, what was skipped.</summary>
        public DeploymentRunReport Report { get; }

        public IReadOnlyList<ResourceRunRecord> Failures => Report.Failed;

        private static string BuildMessage(DeploymentRunReport report)
        {
            var failed = report.Failed;
            var skipped = report.Resources.Count(r => r.Outcome == ResourceOutcome.Skipped);
            var lines = failed.Select(f => $"{f.Kind} '{f.Name}' ({f.ResourceId}): {f.Error?.Message}");
            var message = (failed.Count == 1 ? "1 resource failed: " : $"{failed.Count} resources failed: ")
                + string.Join("; ", lines) + ".";
            if (skipped > 0)
            {
                message += $" {skipped} dependent resource(s) were skipped.";
            }

            return message + " Run the command again to continue from what exists.";
        }
    }
}
