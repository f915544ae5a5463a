using System;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The part of Compute's list <c>filter</c> the emulator honours: a name comparison (<c>name = "x"</c>,
/// <c>name eq x</c>, <c>name eq "re.*"</c>, <c>name != x</c>). Any other filter lists everything, and the caller
/// (gcloud filters client-side too) narrows it down.
/// </summary>
public static partial class ComputeListFilter
{
    public static Func<string, bool> Parse(string? filter)
    {
        var match = filter is null ? Match.Empty : NameFilterPattern().Match(filter.Trim());
        if (!match.Success)
        {
            return _ => true;
        }
        var value = match.Groups["value"].Value;
        var negate = match.Groups["op"].Value is "!=" or "ne";
        Func<string, bool> matches = match.Groups["op"].Value is "eq" or "ne"
            ? name => Regex.IsMatch(name, "^(?:" + value + ")$")
            : name => name == value;
        return name => matches(name) != negate;
    }

    [GeneratedRegex("^\\(?\\s*name\\s*(?<op>=|!=|eq|ne)\\s*\"?(?<value>[^\"()]*)\"?\\s*\\)?$")]
    private static partial Regex NameFilterPattern();
}
