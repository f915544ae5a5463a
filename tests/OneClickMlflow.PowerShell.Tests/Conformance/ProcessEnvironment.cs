using System;
using System.Collections.Generic;

namespace OneClickMlflow.Tests.Conformance;

/// <summary>Points the process environment at another emulator until disposed, then puts the previous values back.</summary>
internal sealed class ProcessEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> previous = new();

    private ProcessEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
        {
            previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public static ProcessEnvironment Use(IReadOnlyDictionary<string, string> variables) => new(variables);

    public void Dispose()
    {
        foreach (var (name, value) in previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
