using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>An App Engine service as IAP names it.</summary>
    public sealed class AppEngineServiceRef
    {
        public AppEngineServiceRef(string projectNumber, string appId, string serviceId)
        {
            ProjectNumber = projectNumber;
            AppId = appId;
            ServiceId = serviceId;
        }

        public string ProjectNumber { get; }

        public string AppId { get; }

        public string ServiceId { get; }
    }

    /// <summary>IAP v1: the IAM policy of an App Engine service behind IAP. The brands API is never called.</summary>
    public sealed class IapClient : GoogleApiClient
    {
        public IapClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.Iap)
        {
        }

        /// <summary>
        /// "projects/{number}/iap_web/appengine-{appId}/services/{service}", as gcloud iap web names it: the project by
        /// its number, the App Engine application by its id (the project id).
        /// </summary>
        public static string ServiceResource(AppEngineServiceRef service) =>
            $"projects/{Escape(service.ProjectNumber)}/iap_web/appengine-{Escape(service.AppId)}/services/{Escape(service.ServiceId)}";

        public Task<IamPolicy> GetServicePolicyAsync(AppEngineServiceRef service, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, ServiceResource(service) + ":getIamPolicy",
                new { options = new { requestedPolicyVersion = 3 } }, RequestRetry.Safe, cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 409 ABORTED (use <see cref="ServicePolicyEditor"/>).</summary>
        public Task<IamPolicy> SetServicePolicyAsync(AppEngineServiceRef service, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, ServiceResource(service) + ":setIamPolicy",
                new { policy }, RequestRetry.Never, cancellationToken);

        public IamPolicyEditor ServicePolicyEditor(AppEngineServiceRef service) => new IamPolicyEditor(
            Pipeline,
            ct => GetServicePolicyAsync(service, ct),
            (policy, ct) => SetServicePolicyAsync(service, policy, ct));
    }
}
