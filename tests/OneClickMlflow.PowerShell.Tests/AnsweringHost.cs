using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;

namespace OneClickMlflow.Tests;

/// <summary>
/// A host that answers every confirmation the same way (yes to all, or no to all) and records the prompts and the
/// lines written to it ("What if:" lines go to the host, not to a stream).
/// </summary>
internal sealed class AnsweringHost : PSHost
{
    private readonly AnsweringUserInterface ui;

    public AnsweringHost(bool answerYes) => ui = new AnsweringUserInterface(answerYes);

    public IReadOnlyList<string> Prompts => ui.Prompts;

    public IReadOnlyList<string> Lines => ui.Lines;

    /// <summary>The label of each prompt's default choice ("Yes", "No"), in order.</summary>
    public IReadOnlyList<string> Defaults => ui.Defaults;

    public override string Name => "AnsweringHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    /// <summary>Runs the script in a runspace on this host with the module's cmdlets.</summary>
    public PowerShellResult Run(string script)
    {
        using var runspace = RunspaceFactory.CreateRunspace(this, PowerShellRunner.SessionState());
        runspace.Open();
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(script);
        var output = shell.Invoke().ToList();
        return new PowerShellResult(output, shell.Streams.Error.ToList(), shell.Streams.Verbose.Select(v => v.Message).ToList(),
            shell.Streams.Progress.ToList(), shell.Streams.Warning.Select(w => w.Message).ToList(), PowerShellRunner.HostLines(shell));
    }

    private sealed class AnsweringUserInterface : PSHostUserInterface
    {
        private readonly bool answerYes;

        public AnsweringUserInterface(bool answerYes) => this.answerYes = answerYes;

        public List<string> Prompts { get; } = new();

        public List<string> Lines { get; } = new();

        public List<string> Defaults { get; } = new();

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(message);
            var labels = choices.Select(c => c.Label.Replace("&", "", StringComparison.Ordinal)).ToList();
            Defaults.Add(defaultChoice >= 0 && defaultChoice < labels.Count ? labels[defaultChoice] : "");
            var wanted = answerYes ? new[] { "Yes to All", "Yes" } : new[] { "No to All", "No" };
            return wanted.Select(w => labels.IndexOf(w)).First(i => i >= 0);
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        public override void Write(string value) => Lines.Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Add(value);
        public override void WriteLine(string value) => Lines.Add(value);
        public override void WriteErrorLine(string value) => Lines.Add(value);
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) => Lines.Add("WARNING: " + message);
    }
}
