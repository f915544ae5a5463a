using System;
using System.Management.Automation;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Callbacks the core may call from any thread; each one is queued and written by the pipeline thread.
    /// </summary>
    public sealed class CmdletReporter
    {
        internal static readonly CmdletReporter Discarding = new CmdletReporter(_ => { });

        private readonly Action<Action<AsyncCmdlet>> enqueue;

        internal CmdletReporter(Action<Action<AsyncCmdlet>> enqueue) => this.enqueue = enqueue;

        public void Verbose(string message) => enqueue(cmdlet => cmdlet.WriteVerbose(message));

        public void Debug(string message) => enqueue(cmdlet => cmdlet.WriteDebug(message));

        public void Warning(string message) => enqueue(cmdlet => cmdlet.WriteWarning(message));

        public void Progress(ProgressRecord record) => enqueue(cmdlet => cmdlet.WriteProgress(record));

        /// <summary>A line for the host as Write-Host writes it (information stream, tag PSHOST): shown and logged by default.</summary>
        public void HostLine(string message) =>
            enqueue(cmdlet => cmdlet.WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST" }));
    }
}
