using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.Tests;

/// <summary>Runs script in an in-process PowerShell that has the module's cmdlets, as a user's session would.</summary>
internal static class PowerShellRunner
{
    public static IEnumerable<System.Type> CmdletTypes =>
        typeof(AsyncCmdlet).Assembly.GetTypes().Where(t => !t.IsAbstract && t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0);

    public static PowerShellResult Run(string script, params System.Type[] extraCmdlets)
    {
        using var shell = Create(extraCmdlets);
        shell.AddScript(script);
        var output = shell.Invoke().ToList();
        return new PowerShellResult(output, shell.Streams.Error.ToList(), shell.Streams.Verbose.Select(v => v.Message).ToList(),
            shell.Streams.Progress.ToList(), shell.Streams.Warning.Select(w => w.Message).ToList(), HostLines(shell));
    }

    /// <summary>The lines written for the host (Write-Host's information records).</summary>
    public static List<string> HostLines(System.Management.Automation.PowerShell shell) =>
        shell.Streams.Information.Where(i => i.Tags.Contains("PSHOST")).Select(i => i.MessageData.ToString()!).ToList();

    /// <summary>A PowerShell with the module's cmdlets (and test cmdlets) registered; the caller disposes it.</summary>
    public static System.Management.Automation.PowerShell Create(params System.Type[] extraCmdlets) =>
        System.Management.Automation.PowerShell.Create(SessionState(extraCmdlets));

    /// <summary>The default session state with the module's cmdlets (and test cmdlets) added.</summary>
    public static InitialSessionState SessionState(params System.Type[] extraCmdlets)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in CmdletTypes.Concat(extraCmdlets))
        {
            var attribute = (CmdletAttribute)type.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }

        return state;
    }
}

internal sealed record PowerShellResult(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Verbose, List<ProgressRecord> Progress,
    List<string> Warnings, List<string> HostLines);
