using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneClickMlflow.Deployment.Lease
{
    /// <summary>
    /// What the run lease object holds: who runs (or last ran) what on the deployment, from where, and until when the
    /// lease counts without a renewal. Written whole on every take, renewal and release.
    /// </summary>
    public sealed class RunLeaseRecord
    {
        /// <summary>A random id per run: how a run recognises its own write after a lost answer.</summary>
        public string RunId { get; set; } = "";

        /// <summary>The cmdlet, e.g. New-MlflowDeployment.</summary>
        public string Operation { get; set; } = "";

        /// <summary>The Google account that runs it.</summary>
        public string Holder { get; set; } = "";

        public string Host { get; set; } = "";

        public int ProcessId { get; set; }

        public DateTimeOffset AcquiredAt { get; set; }

        /// <summary>Until when the lease holds without a renewal (a killed run's lease lapses then).</summary>
        public DateTimeOffset ExpiresAt { get; set; }

        /// <summary>When the run ended; null while it holds the lease.</summary>
        public DateTimeOffset? ReleasedAt { get; set; }

        /// <summary>Whether the run that wrote it ended in success (meaningful once released).</summary>
        public bool? Completed { get; set; }

        /// <summary>A record for a run of this process: a new run id, this machine and process.</summary>
        public static RunLeaseRecord ForThisProcess(string operation, string holder) => new RunLeaseRecord
        {
            RunId = Guid.NewGuid().ToString("N"),
            Operation = operation,
            Holder = holder,
            Host = Environment.MachineName,
            ProcessId = System.Diagnostics.Process.GetCurrentProcess().Id,
        };

        public bool HeldAt(DateTimeOffset now) => ReleasedAt == null && ExpiresAt > now;

        /// <summary>
        /// Whether the run was on this machine in a process that no longer runs (killed, or its window closed): its
        /// lease is taken over at once instead of after it lapses.
        /// </summary>
        public bool IsOfDeadProcessHere()
        {
            if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) || ProcessId <= 0)
            {
                return false;
            }
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true; // no process with that id
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        /// <summary>"Remove-MlflowDeployment by alice@example.com on build-7 (pid 123), since 10:02:03Z".</summary>
        public string Describe() =>
            $"{Operation} by {(Holder.Length == 0 ? "an unknown account" : Holder)} on {Host} (pid {ProcessId}), since {AcquiredAt:yyyy-MM-dd HH:mm:ss}Z";

        internal string ToJson() => JsonSerializer.Serialize(this, Options);

        internal static RunLeaseRecord? FromJson(string text)
        {
            try
            {
                return JsonSerializer.Deserialize<RunLeaseRecord>(text, Options);
            }
            catch (JsonException)
            {
                return null; // written by something else: treated as a lapsed lease
            }
        }

        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
