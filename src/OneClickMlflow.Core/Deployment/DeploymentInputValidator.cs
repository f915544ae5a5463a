using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Checks New-MlflowDeployment's parameters before anything talks to Google. Every error is an
    /// <see cref="InvalidDeploymentInputException"/> naming the parameter and saying what is accepted.
    /// </summary>
    public static class DeploymentInputValidator
    {
        private static readonly Regex ProjectIdPattern = ParameterChecks.WholeValue(
            @"(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.[a-z]{2,}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]");

        private static readonly Regex DeploymentNamePattern = ParameterChecks.WholeValue("[a-z][a-z0-9-]{0,18}[a-z0-9]");

        private static readonly Regex ComputeNamePattern = ParameterChecks.WholeValue("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");

        private static readonly Regex NetworkPathPattern = ParameterChecks.WholeValue(
            @"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+/(?:[^?#]*/)?)?projects/(?<project>[^/]+)/global/networks/(?<network>[^/]+)");

        private const string DomainPattern = @"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}";

        private static readonly Regex DomainRegex = ParameterChecks.WholeValue(DomainPattern, RegexOptions.IgnoreCase);

        private const string EmailPattern = @"[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@" + DomainPattern;

        private static readonly Regex EmailRegex = ParameterChecks.WholeValue(EmailPattern, RegexOptions.IgnoreCase);

        /// <summary>
        /// A service account's e-mail: ACCOUNT@PROJECT.iam.gserviceaccount.com for accounts a project makes, and
        /// Google's own forms (PROJECT@appspot.gserviceaccount.com, NUMBER-compute@developer.gserviceaccount.com, ...).
        /// </summary>
        private static readonly Regex ServiceAccountEmailRegex = ParameterChecks.WholeValue(@"[a-z0-9][a-z0-9._-]*@(?:[a-z0-9-]+\.)+gserviceaccount\.com");

        private static readonly string[] MemberPrefixes = { "user", "group", "serviceAccount", "domain" };

        /// <summary>Validates every parameter; throws on the first invalid one.</summary>
        public static ValidatedDeploymentInput Validate(DeploymentInput input)
        {
            var names = DeploymentNames.For(input.ProjectId!, input.Name ?? DeploymentNames.DefaultName);
            var region = ValidateRegion(input.Region, out var locationId);
            var members = ValidateWebAppUsers(input.WebAppUsers ?? Enumerable.Empty<string>());
            var network = ValidateNetworkName(input.NetworkName, names);
            var subnetwork = ValidateSubnetworkName(input.SubnetworkName, input.NetworkName != null);
            var database = DatabaseSettings.Validate(input.DatabaseVersion, input.DatabaseTier, input.BackupRetentionDays);
            var server = ServerSettings.Validate(input);
            var noncurrentDays = ValidateNoncurrentVersionDays(input.NoncurrentVersionDays);
            return new ValidatedDeploymentInput(names, region, locationId, members, network, subnetwork, database, server) { NoncurrentVersionDays = noncurrentDays };
        }

        /// <summary>Largest -NoncurrentVersionDays: ten years.</summary>
        public const int MaxNoncurrentVersionDays = 3650;

        public static int? ValidateNoncurrentVersionDays(int? days) =>
            days is int value && (value < 1 || value > MaxNoncurrentVersionDays)
                ? throw new InvalidDeploymentInputException("NoncurrentVersionDays",
                    $"{value}: keep a deleted or overwritten artifact's old version 1 to {MaxNoncurrentVersionDays} days.")
                : days;

        /// <summary>Whether the whole value has the form of a project id (domain-scoped ones, example.com:p, included).</summary>
        public static bool IsProjectId(string? value) => value != null && ProjectIdPattern.IsMatch(value);

        /// <summary>A project id exactly as given; null means none was given or configured.</summary>
        public static string ValidateProjectId(string? projectId)
        {
            if (projectId == null)
            {
                throw new InvalidDeploymentInputException("ProjectId",
                    "no project given. Pass -ProjectId or set one with 'gcloud config set project PROJECT_ID'.");
            }

            var value = ParameterChecks.Exact("ProjectId", projectId);
            if (!ProjectIdPattern.IsMatch(value))
            {
                throw new InvalidDeploymentInputException("ProjectId",
                    $"'{value}' is not a project id. A project id has 6 to 30 lowercase letters, digits and hyphens, " +
                    "starts with a letter and does not end with a hyphen (the project number or display name will not do).");
            }

            return value;
        }

        public static string ValidateDeploymentName(string? name)
        {
            var value = ParameterChecks.Exact("Name", name);
            if (!DeploymentNamePattern.IsMatch(value))
            {
                throw new InvalidDeploymentInputException("Name",
                    $"'{value}' is not a valid deployment name. Use 2 to 20 lowercase letters, digits and hyphens, " +
                    "starting with a letter and ending with a letter or digit, so that every derived resource name fits Google's limits.");
            }

            if (value.StartsWith("goog", StringComparison.Ordinal) || value.Contains("google"))
            {
                throw new InvalidDeploymentInputException("Name",
                    $"'{value}' cannot be used: bucket names may not start with 'goog' or contain 'google'.");
            }

            return value;
        }

        private static readonly Regex NamePatternCharacters = ParameterChecks.WholeValue(@"[a-z0-9*?\[\]-]{1,40}");

        /// <summary>
        /// Get-MlflowDeployment's -Name: a deployment name, or a wildcard pattern of the characters names have
        /// (lowercase letters, digits, hyphens) and * ? [ ].
        /// </summary>
        public static string ValidateNamePattern(string? pattern, bool hasWildcards)
        {
            if (!hasWildcards)
            {
                return ValidateDeploymentName(pattern);
            }
            var value = ParameterChecks.Exact("Name", pattern);
            if (!NamePatternCharacters.IsMatch(value))
            {
                throw new InvalidDeploymentInputException("Name",
                    $"'{ParameterChecks.Shown(value)}' is not a pattern of deployment names: use lowercase letters, digits, hyphens and the wildcards * ? [ ] (e.g. ml*).");
            }
            return value;
        }

        /// <summary>Checks the region and gives App Engine's location id for it.</summary>
        public static string ValidateRegion(string? region, out string appEngineLocationId)
        {
            if (region == null)
            {
                throw new InvalidDeploymentInputException("Region", $"no region given. Use one of: {string.Join(", ", AppEngineLocations.Regions)}.");
            }

            // The whole name, compared exactly (case aside): never a prefix or a near match.
            var value = ParameterChecks.Exact("Region", region).ToLowerInvariant();
            if (AppEngineLocations.TryGetLocationId(value, out appEngineLocationId))
            {
                return value;
            }

            var supported = string.Join(", ", AppEngineLocations.Regions);
            var asRegion = AppEngineLocations.RegionOf(value);
            if (asRegion != null)
            {
                throw new InvalidDeploymentInputException("Region",
                    $"'{value}' is App Engine's location id, not a Google Cloud region. Use -Region {asRegion}.");
            }

            throw new InvalidDeploymentInputException("Region", $"'{value}' is not a region where App Engine can run. Use one of: {supported}.");
        }

        /// <summary>Normalises IAM members for IAP access and drops case-insensitive duplicates.</summary>
        public static IReadOnlyList<string> ValidateWebAppUsers(IEnumerable<string?> members)
        {
            var result = new List<string>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in members)
            {
                var normalised = ValidateMember(member);
                if (seen.Add(normalised))
                {
                    result.Add(normalised);
                }
            }

            return result;
        }

        /// <summary>The deployment's own network when none is given, otherwise the named or referenced network.</summary>
        public static NetworkReference ValidateNetworkName(string? networkName, DeploymentNames names)
        {
            if (networkName == null)
            {
                return new NetworkReference(names.ProjectId, names.NetworkName);
            }

            var value = ParameterChecks.Exact("NetworkName", networkName);
            if (ComputeNamePattern.IsMatch(value))
            {
                return new NetworkReference(names.ProjectId, value);
            }

            var path = NetworkPathPattern.Match(value);
            if (path.Success && ProjectIdPattern.IsMatch(path.Groups["project"].Value)
                && ComputeNamePattern.IsMatch(path.Groups["network"].Value))
            {
                return new NetworkReference(path.Groups["project"].Value, path.Groups["network"].Value);
            }

            throw new InvalidDeploymentInputException("NetworkName",
                $"'{value}' is neither a network name (1 to 63 lowercase letters, digits and hyphens, starting with a letter) " +
                "nor a network reference such as 'projects/PROJECT/global/networks/NAME' or its full URL.");
        }

        /// <summary>
        /// A subnetwork's short name (App Engine takes no path: appengine_v1 Network.subnetworkName), and only with
        /// -NetworkName: the deployment's own network is in auto subnet mode, where App Engine takes no subnetwork name.
        /// </summary>
        public static string? ValidateSubnetworkName(string? subnetworkName, bool hasNetworkName)
        {
            if (subnetworkName == null)
            {
                return null;
            }

            var value = ParameterChecks.Exact("SubnetworkName", subnetworkName);
            if (!ComputeNamePattern.IsMatch(value))
            {
                throw new InvalidDeploymentInputException("SubnetworkName",
                    $"'{value}' is not a subnetwork name. Give its short name (1 to 63 lowercase letters, digits and hyphens, " +
                    "starting with a letter), not a path or URL: the subnetwork is looked up in the network's project and the deployment's region.");
            }

            if (!hasNetworkName)
            {
                throw new InvalidDeploymentInputException("SubnetworkName",
                    "it chooses a subnetwork of the network given by -NetworkName. Without -NetworkName the deployment makes its own " +
                    "auto subnet mode network, whose subnetwork in the region App Engine finds by itself: pass -NetworkName too, or leave -SubnetworkName out.");
            }

            return value;
        }

        /// <summary>A service account's e-mail exactly as given, e.g. for -ImpersonateServiceAccount or -ServiceAccount.</summary>
        public static string ValidateServiceAccountEmail(string parameter, string? email)
        {
            var value = ParameterChecks.Exact(parameter, email);
            if (!ServiceAccountEmailRegex.IsMatch(value))
            {
                throw new InvalidDeploymentInputException(parameter,
                    $"'{ParameterChecks.Shown(value)}' is not a service account e-mail. Give one such as deployer@my-project.iam.gserviceaccount.com " +
                    "(gcloud iam service-accounts list); a person's account cannot be impersonated or signed as.");
            }
            return value;
        }

        private static string ValidateMember(string? member)
        {
            if (member == null || member.Trim().Length == 0)
            {
                throw new InvalidDeploymentInputException("WebAppUser",
                    (member == null ? "a $null member was given" : "an empty member was given") + ". Remove it, or name a user:, group:, serviceAccount: or domain: member.");
            }

            var value = ParameterChecks.Exact("WebAppUser", member);
            var bare = value.Contains(':') ? value.Substring(value.IndexOf(':') + 1) : value;
            if (bare.Equals("allUsers", StringComparison.OrdinalIgnoreCase)
                || bare.Equals("allAuthenticatedUsers", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDeploymentInputException("WebAppUser",
                    $"'{value}' would make the tracking server public, which defeats IAP. Name users, groups, service accounts or a domain.");
            }

            var colon = value.IndexOf(':');
            if (colon < 0)
            {
                var hint = EmailRegex.IsMatch(value) ? $" Did you mean 'user:{value}'?" : "";
                throw new InvalidDeploymentInputException("WebAppUser",
                    $"'{value}' has no member type. Use user:EMAIL, group:EMAIL, serviceAccount:EMAIL or domain:DOMAIN.{hint}");
            }

            var givenPrefix = value.Substring(0, colon);
            var prefix = MemberPrefixes.FirstOrDefault(p => p.Equals(givenPrefix, StringComparison.OrdinalIgnoreCase));
            if (prefix == null)
            {
                throw new InvalidDeploymentInputException("WebAppUser",
                    $"'{value}' has the member type '{givenPrefix}'. Use user:, group:, serviceAccount: or domain:.");
            }

            var identity = value.Substring(colon + 1);
            if (prefix == "domain")
            {
                if (!DomainRegex.IsMatch(identity))
                {
                    throw new InvalidDeploymentInputException("WebAppUser", $"'{value}' does not name a valid domain, e.g. domain:example.com.");
                }
            }
            else if (!EmailRegex.IsMatch(identity))
            {
                throw new InvalidDeploymentInputException("WebAppUser", $"'{value}' does not hold a valid e-mail address after '{prefix}:'.");
            }
            else if (prefix == "serviceAccount" && !identity.EndsWith(".gserviceaccount.com", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDeploymentInputException("WebAppUser",
                    $"'{value}' is not a service account: its address must end in .gserviceaccount.com.");
            }

            return prefix + ":" + identity;
        }
    }
}
