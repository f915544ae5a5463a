using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// One Google API as gcloud's generated client sees it: the override name, the default base URL (which an
    /// override replaces) and the version path the method paths start with (appended to either). Compute and
    /// Storage carry their version in the base URL, the others in their method paths.
    /// </summary>
    public sealed class GoogleApi
    {
        public GoogleApi(string overrideName, string defaultRoot, string basePath)
        {
            OverrideName = overrideName;
            DefaultRoot = new Uri(defaultRoot);
            BasePath = basePath;
        }

        /// <summary>The name under gcloud's api_endpoint_overrides (e.g. "sql").</summary>
        public string OverrideName { get; }

        public Uri DefaultRoot { get; }

        /// <summary>e.g. "sql/v1beta4/" or "" (Compute), appended to the root as gcloud does.</summary>
        public string BasePath { get; }

        /// <summary>Google's host name, e.g. sqladmin.googleapis.com.</summary>
        public string Host => DefaultRoot.Host;

        public override string ToString() => OverrideName;
    }

    /// <summary>The table of every API the module calls.</summary>
    public static class GoogleApis
    {
        public static readonly GoogleApi ServiceUsage = new GoogleApi("serviceusage", "https://serviceusage.googleapis.com/", "v1/");
        public static readonly GoogleApi ResourceManager = new GoogleApi("cloudresourcemanager", "https://cloudresourcemanager.googleapis.com/", "v1/");
        public static readonly GoogleApi Compute = new GoogleApi("compute", "https://compute.googleapis.com/compute/v1/", "");
        public static readonly GoogleApi Sql = new GoogleApi("sql", "https://sqladmin.googleapis.com/", "sql/v1beta4/");
        public static readonly GoogleApi Storage = new GoogleApi("storage", "https://storage.googleapis.com/storage/v1/", "");
        public static readonly GoogleApi Iam = new GoogleApi("iam", "https://iam.googleapis.com/", "v1/");
        public static readonly GoogleApi IamCredentials = new GoogleApi("iamcredentials", "https://iamcredentials.googleapis.com/", "v1/");
        public static readonly GoogleApi SecretManager = new GoogleApi("secretmanager", "https://secretmanager.googleapis.com/", "v1/");
        public static readonly GoogleApi ArtifactRegistry = new GoogleApi("artifactregistry", "https://artifactregistry.googleapis.com/", "v1/");
        public static readonly GoogleApi AppEngine = new GoogleApi("appengine", "https://appengine.googleapis.com/", "v1/");
        public static readonly GoogleApi Iap = new GoogleApi("iap", "https://iap.googleapis.com/", "v1/");
        public static readonly GoogleApi ServiceNetworking = new GoogleApi("servicenetworking", "https://servicenetworking.googleapis.com/", "v1/");
        public static readonly GoogleApi Sts = new GoogleApi("sts", "https://sts.googleapis.com/", "v1/");

        public static IReadOnlyList<GoogleApi> All { get; } = new[]
        {
            ServiceUsage, ResourceManager, Compute, Sql, Storage, Iam, IamCredentials, SecretManager, ArtifactRegistry,
            AppEngine, Iap, ServiceNetworking, Sts,
        };

        public static GoogleApi? ByHost(string host) =>
            All.FirstOrDefault(api => string.Equals(api.Host, host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Where each API is reached: gcloud's endpoint override (environment or configuration file) replaces the
    /// default root; the API's base path is appended to either.
    /// </summary>
    public sealed class ApiEndpoints
    {
        private readonly Dictionary<GoogleApi, Uri> roots;

        private ApiEndpoints(Dictionary<GoogleApi, Uri> roots)
        {
            this.roots = roots;
        }

        public static ApiEndpoints FromConfiguration(GcloudConfiguration configuration)
        {
            var roots = new Dictionary<GoogleApi, Uri>();
            foreach (var api in GoogleApis.All)
            {
                var value = configuration.Get("api_endpoint_overrides", api.OverrideName);
                roots[api] = value == null ? api.DefaultRoot : new Uri(value.EndsWith("/", StringComparison.Ordinal) ? value : value + "/");
            }
            return new ApiEndpoints(roots);
        }

        /// <summary>The root (override or default), without the base path.</summary>
        public Uri RootOf(GoogleApi api) => roots[api];

        public bool IsOverridden(GoogleApi api) => roots[api] != api.DefaultRoot;

        /// <summary>Whether the API is overridden to a host that is not Google's (an emulator): then so is everything around it.</summary>
        public bool IsRedirectedAwayFromGoogle(GoogleApi api) => IsOverridden(api) && !GoogleHosts.IsGoogle(roots[api].Authority);

        /// <summary>Whether any API is overridden to a host that is not Google's.</summary>
        public bool AnyRedirectedAwayFromGoogle => roots.Keys.Any(IsRedirectedAwayFromGoogle);

        /// <summary>Root + base path, e.g. https://sqladmin.googleapis.com/sql/v1beta4/.</summary>
        public Uri BaseOf(GoogleApi api) => new Uri(roots[api], api.BasePath);
    }
}
