using System.Text.RegularExpressions;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>Google's naming rules for the resources the emulator models.</summary>
public static partial class ResourceNames
{
    /// <summary>6-30 characters, a lowercase letter first, lowercase letters, digits and hyphens, no trailing hyphen.</summary>
    public static bool IsValidProjectId(string id) => ProjectIdPattern().IsMatch(id);

    /// <summary>Service account ids (the part before @): 6-30 characters, same alphabet as project ids.</summary>
    public static bool IsValidServiceAccountId(string id) => ProjectIdPattern().IsMatch(id);

    public static bool IsProjectNumber(string value) => ProjectNumberPattern().IsMatch(value);

    [GeneratedRegex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectIdPattern();

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex ProjectNumberPattern();
}
