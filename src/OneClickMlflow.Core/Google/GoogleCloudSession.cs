using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;

namespace OneClickMlflow.Google
{
    /// <summary>What a cmdlet knows before it talks to Google: explicit parameters and the environment it runs in.</summary>
    public sealed class GoogleCloudSessionOptions
    {
        /// <summary>-ProjectId when bound; otherwise CLOUDSDK_CORE_PROJECT, then gcloud's core/project.</summary>
        public string? ProjectId { get; set; }

        /// <summary>-ImpersonateServiceAccount when bound; otherwise gcloud's auth/impersonate_service_account.</summary>
        public string? ImpersonateServiceAccount { get; set; }

        /// <summary>The environment variables to read (process environment by default; tests pass their own).</summary>
        public IReadOnlyDictionary<string, string>? Environment { get; set; }

        /// <summary>Appended to the user agent, e.g. "PowerShell/7.6.9".</summary>
        public string? HostVersion { get; set; }

        /// <summary>Whether a project is required (false for cmdlets that can work from a URL only).</summary>
        public bool RequireProject { get; set; } = true;

        /// <summary>Retry bounds of the HTTP pipeline (defaults: 6 attempts, 2 minutes).</summary>
        public RetrySettings? Retry { get; set; }

        /// <summary>How operations are polled (defaults: 0.5 s growing to 10 s, 30 minutes).</summary>
        public PollSchedule? PollSchedule { get; set; }

        /// <summary>Debug lines of every HTTP attempt (never tokens or bodies).</summary>
        public Action<string>? Log { get; set; }

        /// <summary>Replaces the credential lookup (tests, or a caller holding its own credential).</summary>
        public ResolvedCredential? Credential { get; set; }
    }

    /// <summary>
    /// One resolved connection to Google Cloud: credential, project, endpoints and the single HTTP pipeline
    /// every API client shares. Created once per cmdlet invocation; creation makes no call to Google.
    /// </summary>
    public sealed partial class GoogleCloudSession : IDisposable
    {
        private GoogleCloudSession(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, GcloudConfiguration configuration,
            OperationPoller poller, ResolvedCredential credential, string? projectId)
        {
            Pipeline = pipeline;
            Endpoints = endpoints;
            Configuration = configuration;
            Operations = poller;
            Credential = credential.Credential;
            Account = credential.Account;
            CredentialSource = credential.Source;
            ProjectId = projectId;
            ServiceUsage = new ServiceUsageClient(pipeline, endpoints, poller);
            ResourceManager = new ResourceManagerClient(pipeline, endpoints);
        }

        public static async Task<GoogleCloudSession> CreateAsync(GoogleCloudSessionOptions options, CancellationToken cancellationToken)
        {
            var environment = options.Environment ?? ProcessEnvironment();
            var configuration = GcloudConfiguration.Load(environment);
            var projectId = ProjectResolver.Resolve(options.ProjectId, configuration, options.RequireProject);
            var endpoints = ApiEndpoints.FromConfiguration(configuration);
            var credential = options.Credential ?? await CredentialResolver.ResolveAsync(
                environment, configuration, endpoints, options.ImpersonateServiceAccount, cancellationToken).ConfigureAwait(false);
            ITokenAccess? tokenAccess = IsTrue(configuration.Get("auth", "disable_credentials")) ? null : credential.Credential;
            var pipeline = new GoogleHttpPipeline(tokenAccess, UserAgent(options.HostVersion), options.Retry)
            {
                QuotaProject = QuotaProject(configuration, credential, projectId),
            };
            if (options.Log != null)
            {
                pipeline.Log += options.Log;
            }
            var poller = new OperationPoller(pipeline, endpoints, options.PollSchedule);
            return new GoogleCloudSession(pipeline, endpoints, configuration, poller, credential, projectId);
        }

        /// <summary>The project the session works on (null only when not required and none configured).</summary>
        public string? ProjectId { get; private set; }

        /// <summary>The principal the calls run as (service account email, user, or a description of the source).</summary>
        public string Account { get; private set; } = "";

        /// <summary>Where the credential came from, e.g. "GOOGLE_APPLICATION_CREDENTIALS (service_account)".</summary>
        public string CredentialSource { get; private set; } = "";

        /// <summary>The credential (for the few callers that need tokens themselves, such as a registry login).</summary>
        public GoogleCredential Credential { get; }

        /// <summary>An access token of the credential, for a caller that sends it itself (the registry's password).</summary>
        public Task<string> AccessTokenAsync(CancellationToken cancellationToken) =>
            ((ITokenAccess)Credential).GetAccessTokenForRequestAsync(null, cancellationToken);

        public GcloudConfiguration Configuration { get; }

        public ApiEndpoints Endpoints { get; }

        /// <summary>The one HTTP pipeline; new clients derive from <see cref="GoogleApiClient"/> on it.</summary>
        public GoogleHttpPipeline Pipeline { get; }

        public OperationPoller Operations { get; }

        public ServiceUsageClient ServiceUsage { get; }

        public ResourceManagerClient ResourceManager { get; }

        private Task<string?>? callerMember;

        /// <summary>The IAM member the calls run as ("user:..." or "serviceAccount:..."), asked of Google once; null when it does not say.</summary>
        public Task<string?> CallerMemberAsync(CancellationToken cancellationToken)
        {
            lock (Pipeline)
            {
                return callerMember ??= CallerIdentity.MemberAsync(Credential, Configuration, cancellationToken);
            }
        }

        /// <summary>The project id, or an error telling how to set one.</summary>
        public string RequireProjectId() => ProjectId ?? throw new ProjectNotConfiguredException(ProjectResolver.NoProjectMessage);

        public void Dispose() => Pipeline.Dispose();

        /// <summary>"OneClickMlflow/0.1.0 PowerShell/7.6.9 (Linux 6.1 ...)".</summary>
        public static string UserAgent(string? hostVersion)
        {
            var version = typeof(GoogleCloudSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                          ?? typeof(GoogleCloudSession).Assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plus = version.IndexOf('+');
            if (plus >= 0)
            {
                version = version.Substring(0, plus);
            }
            var host = string.IsNullOrWhiteSpace(hostVersion) ? "" : " " + hostVersion!.Trim();
            var os = RuntimeInformation.OSDescription.Replace('(', '[').Replace(')', ']').Trim();
            return $"OneClickMlflow/{version}{host} ({os})";
        }

        public static IReadOnlyDictionary<string, string> ProcessEnvironment()
        {
            var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                snapshot[(string)entry.Key] = entry.Value as string ?? "";
            }
            return snapshot;
        }

        /// <summary>
        /// The project billed for quota (sent as x-goog-user-project): gcloud's billing/quota_project (CURRENT_PROJECT
        /// names the session's project, LEGACY none), else the credential file's quota_project_id, as gcloud and
        /// Google's client libraries choose it.
        /// </summary>
        private static string? QuotaProject(GcloudConfiguration configuration, ResolvedCredential credential, string? projectId)
        {
            var configured = configuration.Get("billing", "quota_project");
            switch (configured)
            {
                case null:
                    return string.IsNullOrWhiteSpace(credential.QuotaProject) ? null : credential.QuotaProject!.Trim();
                case "LEGACY":
                    return null;
                case "CURRENT_PROJECT":
                    return projectId;
                default:
                    return configured.Trim();
            }
        }

        private static bool IsTrue(string? value) =>
            value != null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");
    }
}
