using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>appengine_v1 Application (the fields the tracking URL comes from).</summary>
    public sealed class AppEngineApplication
    {
        public string? Id { get; set; }

        /// <summary>e.g. "my-project.uc.r.appspot.com".</summary>
        public string? DefaultHostname { get; set; }
    }

    /// <summary>App Engine Admin v1: the application (its defaultHostname is where the tracking server answers).</summary>
    public sealed class AppEngineClient : GoogleApiClient
    {
        public AppEngineClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.AppEngine)
        {
        }

        /// <summary>The project's App Engine application, or null when it has none.</summary>
        public Task<AppEngineApplication?> GetApplicationAsync(string projectId, CancellationToken cancellationToken) =>
            GetOrNullAsync<AppEngineApplication>("apps/" + Escape(projectId), cancellationToken);
    }
}
