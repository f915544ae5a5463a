using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>Builds the Google session the way every cmdlet should: parameters first, then the environment.</summary>
    internal static class SessionFactory
    {
        /// <param name="hostVersion">"PowerShell/7.6.9": appended to the user agent.</param>
        /// <param name="log">Receives one line per HTTP attempt (method, URL, status; never bodies or tokens), e.g. for -Debug.</param>
        public static Task<GoogleCloudSession> CreateAsync(string hostVersion, string? projectId, string? impersonateServiceAccount,
            CancellationToken cancellationToken, System.Action<string>? log = null) =>
            GoogleCloudSession.CreateAsync(
                new GoogleCloudSessionOptions
                {
                    ProjectId = projectId,
                    ImpersonateServiceAccount = impersonateServiceAccount,
                    HostVersion = hostVersion,
                    RequireProject = true,
                    Log = log,
                },
                cancellationToken);
    }
}
