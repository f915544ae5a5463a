using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>Builds the Google session the way every cmdlet should: parameters first, then the environment.</summary>
    internal static class SessionFactory
    {
        /// <param name="hostVersion">"PowerShell/7.6.9": appended to the user agent.</param>
        public static Task<GoogleCloudSession> CreateAsync(string hostVersion, string? projectId, string? impersonateServiceAccount, CancellationToken cancellationToken) =>
            GoogleCloudSession.CreateAsync(
                new GoogleCloudSessionOptions
                {
                    ProjectId = projectId,
                    ImpersonateServiceAccount = impersonateServiceAccount,
                    HostVersion = hostVersion,
                    RequireProject = true,
                },
                cancellationToken);
    }
}
