using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>Labels as Google's newer APIs allow them (Secret Manager, Artifact Registry).</summary>
public static partial class ResourceLabels
{
    /// <summary>At most 64; keys 1-63 lowercase letters, digits, _ and -, a letter first; values up to 63 of the same.</summary>
    public static SortedDictionary<string, string> Parse(JsonNode? labels, string field)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels as JsonObject ?? new JsonObject())
        {
            var text = value?.GetValue<string>() ?? "";
            if (!LabelKeyPattern().IsMatch(key) || !LabelValuePattern().IsMatch(text))
            {
                throw GoogleApiError.InvalidArgument(
                    $"The label [{key}: {text}] is invalid: keys are 1-63 lowercase letters, digits, '_' or '-' starting " +
                    "with a letter; values are up to 63 of the same characters.", field);
            }
            result[key] = text;
        }
        if (result.Count > 64)
        {
            throw GoogleApiError.InvalidArgument("A resource can have at most 64 labels.", field);
        }
        return result;
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[a-z0-9_-]{0,63}$")]
    private static partial Regex LabelValuePattern();
}
