using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator;

/// <summary>
/// Everything the emulator knows. Tests seed and read it directly; handlers lock <see cref="Gate"/> while they
/// read or change projects and service accounts.
/// </summary>
public sealed class EmulatorState
{
    /// <summary>
    /// The organization every project is seeded into unless told otherwise. Its domain is the one the tests' users
    /// and groups have, so Google's managed OAuth client serves them as it serves an organization's own users.
    /// </summary>
    public const string DefaultOrganizationId = "100000000001";
    public const string DefaultOrganizationDomain = "example.com";
    public const string DefaultDirectoryCustomerId = "C01234567";
    public const string DefaultParent = "organizations/" + DefaultOrganizationId;

    /// <summary>The parent of a project in no organization, as a project made with a personal account is.</summary>
    public const string? NoOrganization = null;

    private readonly Dictionary<string, ProjectState> projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrganizationState> organizations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderState> folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceAccountRecord> serviceAccounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Type, object> apiStates = new();

    public EmulatorState(TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        Operations = new OperationStore(Gate, Latency, Clock);
        Tokens = new TokenStore(Clock);
        AddOrganization(DefaultOrganizationId, DefaultOrganizationDomain, DefaultDirectoryCustomerId);
    }

    /// <summary>The single lock guarding projects, service accounts and operation completion.</summary>
    public object Gate { get; } = new();

    public TimeProvider Clock { get; }
    public LatencySettings Latency { get; } = new();
    public OperationStore Operations { get; }
    public FaultInjector Faults { get; } = new();
    public RequestLog Requests { get; } = new();

    /// <summary>Requests with their bodies and answers; empty unless <see cref="EmulatorOptions.RecordExchanges"/>.</summary>
    public Recording.ExchangeLog Exchanges { get; } = new();
    public TokenStore Tokens { get; }
    public KeyStore Keys { get; } = new();

    /// <summary>The keys of the IAP front door's signed headers (published at /gstatic/iap/verify/public_key-jwk).</summary>
    public IapKeySet IapKeys { get; } = new();
    public FederationRegistry Federation { get; } = new();
    public AuthorizedUserRegistry AuthorizedUsers { get; } = new();

    /// <summary>Set once the server listens; issued credentials point their token_uri here.</summary>
    public Uri? BaseUri { get; internal set; }

    /// <summary>The account the metadata server's <c>default</c> service account stands for.</summary>
    public string? MetadataServiceAccount { get; set; }

    /// <summary>The project the metadata server reports (the first seeded project by default).</summary>
    public string? MetadataProjectId { get; set; }

    /// <summary>Requests without a valid token act with every permission (gcloud with auth/disable_credentials).</summary>
    public bool AllowUnauthenticated { get; set; }

    public IReadOnlyList<ProjectState> Projects
    {
        get
        {
            lock (Gate)
            {
                return projects.Values.OrderBy(p => p.ProjectId, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>
    /// Seeds a project; without <paramref name="enabledServices"/> it has the services Google enables by default. Its
    /// <paramref name="parent"/> is the default organization unless another organization or folder is named, or
    /// <see cref="NoOrganization"/>.
    /// </summary>
    public ProjectState AddProject(string projectId, long? projectNumber = null, IEnumerable<string>? enabledServices = null,
        string? parent = DefaultParent)
    {
        if (!ResourceNames.IsValidProjectId(projectId))
        {
            throw new ArgumentException(
                $"'{projectId}' is not a valid project id: 6-30 characters, a lowercase letter first, lowercase " +
                "letters, digits and hyphens, no trailing hyphen.",
                nameof(projectId));
        }
        lock (Gate)
        {
            if (projects.ContainsKey(projectId))
            {
                throw new InvalidOperationException($"Project '{projectId}' already exists.");
            }
            RequireParent(parent);
            var project = new ProjectState(projectId, projectNumber ?? ProjectState.DeriveNumber(projectId), Clock.GetUtcNow()) { Parent = parent };
            foreach (var service in enabledServices ?? ProjectState.DefaultServices)
            {
                project.EnabledServices.Add(service);
            }
            projects[projectId] = project;
            return project;
        }
    }

    /// <summary>Finds a project by id or by number, as Google's APIs accept either.</summary>
    public ProjectState? FindProject(string idOrNumber)
    {
        lock (Gate)
        {
            if (projects.TryGetValue(idOrNumber, out var byId))
            {
                return byId;
            }
            return long.TryParse(idOrNumber, out var number)
                ? projects.Values.FirstOrDefault(p => p.ProjectNumber == number)
                : null;
        }
    }

    public ProjectState GetProject(string idOrNumber) =>
        FindProject(idOrNumber) ?? throw new KeyNotFoundException($"Project '{idOrNumber}' is not seeded.");

    /// <summary>Adds a member to a role on a project (seeding; no etag check).</summary>
    public void Grant(string projectId, string role, string member)
    {
        lock (Gate)
        {
            GetProject(projectId).Policy.AddBinding(role, member);
        }
    }

    public IReadOnlyList<OrganizationState> Organizations
    {
        get
        {
            lock (Gate)
            {
                return organizations.Values.OrderBy(o => o.Id, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>Seeds an organization: a numeric id and the primary domain Google shows as its displayName.</summary>
    public OrganizationState AddOrganization(string id, string domain, string? directoryCustomerId = null)
    {
        if (!NumericId(id) || !domain.Contains('.') || domain != domain.ToLowerInvariant())
        {
            throw new ArgumentException($"An organization needs a numeric id and a lowercase domain, not '{id}' and '{domain}'.", nameof(id));
        }
        lock (Gate)
        {
            if (organizations.ContainsKey(id))
            {
                throw new InvalidOperationException($"Organization '{id}' already exists.");
            }
            var organization = new OrganizationState(id, domain, directoryCustomerId ?? "C" + id.PadLeft(8, '0')[^8..], Clock.GetUtcNow());
            organizations[id] = organization;
            return organization;
        }
    }

    /// <summary>Seeds a folder under an organization or another folder.</summary>
    public FolderState AddFolder(string id, string parent)
    {
        if (!NumericId(id))
        {
            throw new ArgumentException($"A folder id is numeric, not '{id}'.", nameof(id));
        }
        lock (Gate)
        {
            RequireParent(parent);
            if (folders.ContainsKey(id))
            {
                throw new InvalidOperationException($"Folder '{id}' already exists.");
            }
            var folder = new FolderState(id, parent);
            folders[id] = folder;
            return folder;
        }
    }

    public OrganizationState? FindOrganization(string id)
    {
        lock (Gate)
        {
            return organizations.GetValueOrDefault(id);
        }
    }

    /// <summary>The project's parent, its parent's parent, ... up to the organization (empty for a project in none).</summary>
    public IReadOnlyList<string> AncestorsOf(ProjectState project)
    {
        lock (Gate)
        {
            var ancestors = new List<string>();
            for (var next = project.Parent; next is not null;)
            {
                ancestors.Add(next);
                next = next.StartsWith("folders/", StringComparison.Ordinal) ? folders[next["folders/".Length..]].Parent : null;
            }
            return ancestors;
        }
    }

    /// <summary>Adds a member to a role on an organization (seeding; no etag check).</summary>
    public void GrantOnOrganization(string organizationId, string role, string member)
    {
        lock (Gate)
        {
            (FindOrganization(organizationId) ?? throw new KeyNotFoundException($"Organization '{organizationId}' is not seeded."))
                .Policy.AddBinding(role, member);
        }
    }

    public IReadOnlyList<ServiceAccountRecord> ServiceAccounts
    {
        get
        {
            lock (Gate)
            {
                return serviceAccounts.Values.OrderBy(s => s.Email, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>Registers a service account (idempotent). Its project is taken from the email's domain when it is one of ours.</summary>
    public ServiceAccountRecord AddServiceAccount(string email, string? projectId = null)
    {
        lock (Gate)
        {
            if (serviceAccounts.TryGetValue(email, out var existing))
            {
                return existing;
            }
            var project = projectId ?? ProjectOfEmail(email) ?? "";
            var uniqueId = "1" + string.Concat(RandomNumberGenerator.GetBytes(10).Select(b => (b % 10).ToString()));
            var record = new ServiceAccountRecord(email, project, uniqueId);
            serviceAccounts[email] = record;
            return record;
        }
    }

    /// <summary>Removes a service account from the registry; false when it was not there.</summary>
    public bool RemoveServiceAccount(string email)
    {
        lock (Gate)
        {
            return serviceAccounts.Remove(email);
        }
    }

    public ServiceAccountRecord? FindServiceAccount(string emailOrUniqueId)
    {
        lock (Gate)
        {
            return serviceAccounts.TryGetValue(emailOrUniqueId, out var record)
                ? record
                : serviceAccounts.Values.FirstOrDefault(s => s.UniqueId == emailOrUniqueId);
        }
    }

    /// <summary>
    /// Whether a caller holds a permission on a project. A null caller is the anonymous caller that
    /// <see cref="AllowUnauthenticated"/> lets through: it holds everything.
    /// </summary>
    public bool HasPermission(Principal? caller, ProjectState project, string permission)
    {
        if (caller is null)
        {
            return AllowUnauthenticated;
        }
        lock (Gate)
        {
            return project.Grants(caller.Member, permission);
        }
    }

    /// <summary>Whether a caller holds a permission on an organization, through the organization's own policy.</summary>
    public bool HasPermission(Principal? caller, OrganizationState organization, string permission)
    {
        if (caller is null)
        {
            return AllowUnauthenticated;
        }
        lock (Gate)
        {
            return organization.Policy.Grants(caller.Member, permission);
        }
    }

    /// <summary>Whether a caller holds a permission on a service account, through its own policy or its project's.</summary>
    public bool HasPermission(Principal? caller, ServiceAccountRecord account, string permission)
    {
        if (caller is null)
        {
            return AllowUnauthenticated;
        }
        lock (Gate)
        {
            if (account.Policy.Grants(caller.Member, permission))
            {
                return true;
            }
            var project = FindProject(account.ProjectId);
            return project is not null && project.Grants(caller.Member, permission);
        }
    }

    /// <summary>
    /// The state an API keeps (Cloud SQL instances, buckets, ...), made on first use. An API file declares its own
    /// state class next to its routes; tests read it through the same call.
    /// </summary>
    public T ApiState<T>() where T : class, new()
    {
        lock (Gate)
        {
            if (!apiStates.TryGetValue(typeof(T), out var existing))
            {
                existing = new T();
                apiStates[typeof(T)] = existing;
            }
            return (T)existing;
        }
    }

    /// <summary>A JSON dump for debugging (GET /_emulator/state).</summary>
    public JsonObject Dump()
    {
        lock (Gate)
        {
            var projectsJson = new JsonArray();
            foreach (var project in Projects)
            {
                projectsJson.Add(new JsonObject
                {
                    ["projectId"] = project.ProjectId,
                    ["projectNumber"] = project.ProjectNumber.ToString(),
                    ["parent"] = project.Parent,
                    ["enabledServices"] = new JsonArray(project.EnabledServices.Select(s => (JsonNode?)s).ToArray()),
                    ["iamPolicy"] = project.Policy.ToJson(),
                });
            }
            var accounts = new JsonArray();
            foreach (var account in ServiceAccounts)
            {
                accounts.Add(new JsonObject
                {
                    ["email"] = account.Email,
                    ["projectId"] = account.ProjectId,
                    ["uniqueId"] = account.UniqueId,
                    ["iamPolicy"] = account.Policy.ToJson(),
                });
            }
            var operations = new JsonArray(Operations.All().Select(o => (JsonNode?)new JsonObject
            {
                ["name"] = o.Name,
                ["kind"] = o.Kind,
                ["done"] = o.Completed,
            }).ToArray());
            var apis = new JsonObject();
            foreach (var (type, apiState) in apiStates)
            {
                if (apiState is IDumpableState dumpable)
                {
                    apis[type.Name] = dumpable.Dump();
                }
            }
            var organizationsJson = new JsonArray(Organizations.Select(o => (JsonNode?)new JsonObject
            {
                ["name"] = o.Name,
                ["domain"] = o.Domain,
                ["directoryCustomerId"] = o.DirectoryCustomerId,
                ["iamPolicy"] = o.Policy.ToJson(),
            }).ToArray());
            var foldersJson = new JsonArray(folders.Values.OrderBy(f => f.Id, StringComparer.Ordinal)
                .Select(f => (JsonNode?)new JsonObject { ["name"] = f.Name, ["parent"] = f.Parent }).ToArray());
            return new JsonObject
            {
                ["apis"] = apis,
                ["organizations"] = organizationsJson,
                ["folders"] = foldersJson,
                ["projects"] = projectsJson,
                ["serviceAccounts"] = accounts,
                ["operations"] = operations,
                ["latency"] = new JsonObject { ["profile"] = Latency.Profile, ["scale"] = Latency.Scale },
                ["allowUnauthenticated"] = AllowUnauthenticated,
            };
        }
    }

    private void RequireParent(string? parent)
    {
        var known = parent switch
        {
            null => true,
            _ when parent.StartsWith("organizations/", StringComparison.Ordinal) => organizations.ContainsKey(parent["organizations/".Length..]),
            _ when parent.StartsWith("folders/", StringComparison.Ordinal) => folders.ContainsKey(parent["folders/".Length..]),
            _ => false,
        };
        if (!known)
        {
            throw new ArgumentException($"'{parent}' is no seeded organization (organizations/ID) or folder (folders/ID).", nameof(parent));
        }
    }

    private static bool NumericId(string id) => id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit);

    private string? ProjectOfEmail(string email)
    {
        const string suffix = ".iam.gserviceaccount.com";
        var at = email.IndexOf('@');
        if (at < 0 || !email.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return email[(at + 1)..^suffix.Length];
    }
}
