using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Emulator.Iam;

/// <summary>
/// The predefined roles the product grants or checks, with the permissions each holds. Patterns: an exact
/// permission, a service wildcard such as <c>cloudsql.*</c>, or <c>*</c> for everything. A role not listed here
/// is refused by setIamPolicy as Google refuses a role that does not exist.
/// </summary>
public static class RoleCatalog
{
    private static readonly string[] EditorExclusions =
    {
        "resourcemanager.projects.setIamPolicy",
        "iam.serviceAccounts.setIamPolicy",
        "iam.serviceAccounts.getAccessToken",
        "iam.serviceAccounts.signJwt",
        "iam.serviceAccounts.signBlob",
        "iam.serviceAccounts.getOpenIdToken",
        "iap.web.setIamPolicy",
        "secretmanager.secrets.setIamPolicy",
        "storage.buckets.setIamPolicy",
    };

    private static readonly Dictionary<string, string[]> Roles = new(StringComparer.Ordinal)
    {
        ["roles/owner"] = new[] { "*" },
        ["roles/editor"] = new[] { "*" },
        ["roles/viewer"] = new[]
        {
            "*.get", "*.list", "*.getIamPolicy", "resourcemanager.projects.get",
            "serviceusage.services.get", "serviceusage.services.list", "serviceusage.operations.get",
        },
        ["roles/browser"] = new[]
        {
            "resourcemanager.projects.get", "resourcemanager.projects.getIamPolicy", "resourcemanager.organizations.get", "resourcemanager.folders.get",
        },
        ["roles/resourcemanager.organizationViewer"] = new[] { "resourcemanager.organizations.get" },
        ["roles/resourcemanager.projectIamAdmin"] = new[]
        {
            "resourcemanager.projects.get", "resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy",
        },
        ["roles/iam.securityAdmin"] = new[] { "*.getIamPolicy", "*.setIamPolicy", "resourcemanager.projects.get" },
        ["roles/serviceusage.serviceUsageAdmin"] = new[]
        {
            "serviceusage.services.*", "serviceusage.operations.*", "resourcemanager.projects.get",
        },
        ["roles/serviceusage.serviceUsageConsumer"] = new[]
        {
            "serviceusage.services.get", "serviceusage.services.list", "serviceusage.services.use",
        },
        ["roles/serviceusage.serviceUsageViewer"] = new[] { "serviceusage.services.get", "serviceusage.services.list" },
        ["roles/iam.serviceAccountTokenCreator"] = new[]
        {
            "iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.signJwt", "iam.serviceAccounts.signBlob",
            "iam.serviceAccounts.getOpenIdToken", "iam.serviceAccounts.implicitDelegation", "iam.serviceAccounts.get",
        },
        ["roles/iam.serviceAccountUser"] = new[] { "iam.serviceAccounts.actAs", "iam.serviceAccounts.get", "iam.serviceAccounts.list" },
        ["roles/iam.serviceAccountAdmin"] = new[] { "iam.serviceAccounts.*" },
        ["roles/iam.workloadIdentityUser"] = new[] { "iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getOpenIdToken" },
        ["roles/compute.networkAdmin"] = new[] { "compute.networks.*", "compute.addresses.*", "compute.globalAddresses.*", "compute.subnetworks.*", "compute.globalOperations.*" },
        ["roles/compute.networkUser"] = new[]
        {
            "compute.networks.get", "compute.networks.list", "compute.networks.use", "compute.networks.useExternalIp",
            "compute.subnetworks.get", "compute.subnetworks.list", "compute.subnetworks.use", "compute.subnetworks.useExternalIp",
            "compute.firewalls.get", "compute.firewalls.list",
        },
        ["roles/compute.securityAdmin"] = new[] { "compute.firewalls.*", "compute.globalOperations.*" },
        ["roles/servicenetworking.networksAdmin"] = new[] { "servicenetworking.services.*", "compute.networks.get" },
        ["roles/servicenetworking.serviceAgent"] = new[] { "servicenetworking.services.*", "compute.networks.*", "compute.addresses.*", "compute.globalAddresses.*" },
        ["roles/cloudsql.admin"] = new[] { "cloudsql.*" },
        ["roles/cloudsql.editor"] = new[] { "cloudsql.instances.get", "cloudsql.instances.list", "cloudsql.databases.*", "cloudsql.users.*" },
        ["roles/cloudsql.client"] = new[] { "cloudsql.instances.connect", "cloudsql.instances.get" },
        ["roles/cloudsql.instanceUser"] = new[] { "cloudsql.instances.login", "cloudsql.instances.get" },
        ["roles/secretmanager.admin"] = new[] { "secretmanager.*" },
        ["roles/secretmanager.secretAccessor"] = new[] { "secretmanager.versions.access" },
        ["roles/secretmanager.secretVersionAdder"] = new[] { "secretmanager.versions.add" },
        ["roles/storage.admin"] = new[] { "storage.*" },
        ["roles/storage.objectAdmin"] = new[] { "storage.objects.*" },
        ["roles/storage.objectUser"] = new[] { "storage.objects.*" },
        ["roles/storage.objectViewer"] = new[] { "storage.objects.get", "storage.objects.list" },
        ["roles/storage.legacyBucketOwner"] = new[] { "storage.buckets.get", "storage.buckets.update", "storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy", "storage.objects.list", "storage.objects.create", "storage.objects.delete" },
        ["roles/storage.legacyBucketReader"] = new[] { "storage.buckets.get", "storage.objects.list" },
        ["roles/storage.legacyBucketWriter"] = new[] { "storage.buckets.get", "storage.objects.list", "storage.objects.create", "storage.objects.delete" },
        ["roles/storage.legacyObjectOwner"] = new[] { "storage.objects.get", "storage.objects.update", "storage.objects.getIamPolicy", "storage.objects.setIamPolicy" },
        ["roles/storage.legacyObjectReader"] = new[] { "storage.objects.get" },
        ["roles/storage.objectCreator"] = new[] { "storage.objects.create" },
        ["roles/artifactregistry.admin"] = new[] { "artifactregistry.*" },
        ["roles/artifactregistry.writer"] = new[] { "artifactregistry.repositories.uploadArtifacts", "artifactregistry.repositories.downloadArtifacts", "artifactregistry.repositories.get", "artifactregistry.repositories.list" },
        ["roles/artifactregistry.reader"] = new[] { "artifactregistry.repositories.downloadArtifacts", "artifactregistry.repositories.get", "artifactregistry.repositories.list" },
        ["roles/appengine.appAdmin"] = new[] { "appengine.*" },
        ["roles/appengine.appCreator"] = new[] { "appengine.applications.create", "appengine.applications.get" },
        ["roles/appengine.deployer"] = new[] { "appengine.versions.*", "appengine.applications.get", "appengine.services.get", "appengine.services.list" },
        ["roles/appengine.serviceAdmin"] = new[] { "appengine.services.*", "appengine.versions.*", "appengine.applications.get" },
        ["roles/appengineflex.serviceAgent"] = new[] { "compute.*", "appengine.*" },
        ["roles/iap.admin"] = new[] { "iap.*" },
        ["roles/iap.httpsResourceAccessor"] = new[] { "iap.webServiceVersions.accessViaIAP" },
        ["roles/iap.settingsAdmin"] = new[] { "iap.webTypes.getSettings", "iap.webTypes.updateSettings", "iap.web.getSettings", "iap.web.updateSettings" },
        ["roles/run.invoker"] = new[] { "run.routes.invoke" },
        ["roles/run.admin"] = new[] { "run.*" },
        ["roles/logging.logWriter"] = new[] { "logging.logEntries.create" },
        ["roles/monitoring.metricWriter"] = new[] { "monitoring.timeSeries.create" },
        ["roles/cloudbuild.builds.editor"] = new[] { "cloudbuild.builds.*" },
    };

    public static IReadOnlyCollection<string> KnownRoles => Roles.Keys;

    /// <summary>Custom roles by full name (projects/P/roles/R), as iam.projects.roles.create made them: their exact permissions.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> CustomRoles = new(StringComparer.Ordinal);

    public static void DefineCustomRole(string name, IEnumerable<string> permissions) => CustomRoles[name] = permissions.ToArray();

    public static IReadOnlyList<string>? CustomRolePermissions(string name) => CustomRoles.TryGetValue(name, out var permissions) ? permissions : null;

    /// <summary>A predefined role in the catalogue, or a custom role (<c>projects/P/roles/R</c>, <c>organizations/O/roles/R</c>).</summary>
    public static bool Exists(string role) =>
        Roles.ContainsKey(role)
        || role.StartsWith("projects/", StringComparison.Ordinal) && role.Contains("/roles/", StringComparison.Ordinal)
        || role.StartsWith("organizations/", StringComparison.Ordinal) && role.Contains("/roles/", StringComparison.Ordinal);

    public static bool Grants(string role, string permission)
    {
        if (CustomRoles.TryGetValue(role, out var included))
        {
            return included.Contains(permission, StringComparer.Ordinal);
        }
        if (!Roles.TryGetValue(role, out var patterns))
        {
            return false;
        }
        if (role == "roles/editor" && EditorExclusions.Contains(permission))
        {
            return false;
        }
        return patterns.Any(pattern => Matches(pattern, permission));
    }

    private static bool Matches(string pattern, string permission)
    {
        if (pattern == "*")
        {
            return true;
        }
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return permission.EndsWith(pattern[1..], StringComparison.Ordinal);
        }
        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            return permission.StartsWith(pattern[..^1], StringComparison.Ordinal);
        }
        return pattern == permission;
    }
}
