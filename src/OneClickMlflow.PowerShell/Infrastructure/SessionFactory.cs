using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>Builds the Google session the way every cmdlet should: parameters first, then the environment.</summary>
    internal static class SessionFactory
    {
        private static readonly string HostVersion = "PowerShell/" + PSVersion();

        public static Task<GoogleCloudSession> CreateAsync(string? projectId, string? impersonateServiceAccount, CancellationToken cancellationToken) =>
            GoogleCloudSession.CreateAsync(
                new GoogleCloudSessionOptions
                {
                    ProjectId = projectId,
                    ImpersonateServiceAccount = impersonateServiceAccount,
                    HostVersion = HostVersion,
                    RequireProject = true,
                },
                cancellationToken);

        private static string PSVersion()
        {
            // PSVersionInfo is not public in the reference assemblies; the engine assembly's version matches it.
            System.Version? version = typeof(PSCmdlet).Assembly.GetName().Version;
            return version is null ? "unknown" : $"{version.Major}.{version.Minor}.{version.Build}";
        }
    }
}
