using System;
using System.Text.RegularExpressions;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Iam;

/// <summary>IAM principal identifiers (<c>user:</c>, <c>serviceAccount:</c>, <c>group:</c>, <c>domain:</c>, federated).</summary>
public static partial class MemberNames
{
    public static string ServiceAccount(string email) => "serviceAccount:" + email;

    public static string User(string email) => "user:" + email;

    public static bool IsValid(string member)
    {
        if (member is "allUsers" or "allAuthenticatedUsers")
        {
            return true;
        }
        if (member.StartsWith("principal://", StringComparison.Ordinal) || member.StartsWith("principalSet://", StringComparison.Ordinal))
        {
            return member.Length > "principal://".Length + 3;
        }
        var colon = member.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        var type = member[..colon];
        var value = member[(colon + 1)..];
        return type switch
        {
            "user" or "serviceAccount" or "group" => EmailPattern().IsMatch(value),
            "domain" => DomainPattern().IsMatch(value),
            "deleted" => value.Length > 0,
            // Cloud Storage's convenience values on bucket policies.
            "projectOwner" or "projectEditor" or "projectViewer" => ResourceNames.IsValidProjectId(value),
            _ => false,
        };
    }

    [GeneratedRegex(@"^[^@\s:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex DomainPattern();
}
