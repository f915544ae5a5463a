using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

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
    }

    /// <summary>
    /// One resolved connection to Google Cloud: credential, project, endpoints and the single HTTP pipeline
    /// every API client shares. Created once per cmdlet invocation.
    /// </summary>
    public sealed partial class GoogleCloudSession : IDisposable
    {
        public static Task<GoogleCloudSession> CreateAsync(GoogleCloudSessionOptions options, CancellationToken cancellationToken)
            => throw new NotImplementedException();

        /// <summary>The project the session works on (null only when not required and none configured).</summary>
        public string? ProjectId { get; private set; }

        /// <summary>The principal the calls run as (service account email, user, or a description of the source).</summary>
        public string Account { get; private set; } = "";

        /// <summary>Where the credential came from, e.g. "GOOGLE_APPLICATION_CREDENTIALS (service_account)".</summary>
        public string CredentialSource { get; private set; } = "";

        public void Dispose() { }
    }
}
