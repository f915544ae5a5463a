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

    public static PowerShellResult Run(string script)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in CmdletTypes)
        {
            var attribute = (CmdletAttribute)type.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }

        using var shell = System.Management.Automation.PowerShell.Create(state);
        shell.AddScript(script);
        var output = shell.Invoke().ToList();
        return new PowerShellResult(output, shell.Streams.Error.ToList(), shell.Streams.Verbose.Select(v => v.Message).ToList());
    }
}

internal sealed record PowerShellResult(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Verbose);
