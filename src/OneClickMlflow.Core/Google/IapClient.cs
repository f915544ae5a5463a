using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>IAP v1: the IAM policy of an App Engine service behind IAP. The brands API is never called.</summary>
    public sealed class IapClient : GoogleApiClient
    {
        public IapClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.Iap)
        {
        }

        /// <summary>"projects/{p}/iap_web/appengine-{p}/services/{service}", as gcloud iap web names it.</summary>
        public static string ServiceResource(string projectId, string serviceId) =>
            $"projects/{Escape(projectId)}/iap_web/appengine-{Escape(projectId)}/services/{Escape(serviceId)}";

        public Task<IamPolicy> GetServicePolicyAsync(string projectId, string serviceId, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, ServiceResource(projectId, serviceId) + ":getIamPolicy",
                new { options = new { requestedPolicyVersion = 3 } }, RequestRetry.Safe, cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 409 ABORTED (use <see cref="ServicePolicyEditor"/>).</summary>
        public Task<IamPolicy> SetServicePolicyAsync(string projectId, string serviceId, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, ServiceResource(projectId, serviceId) + ":setIamPolicy",
                new { policy }, RequestRetry.Never, cancellationToken);

        public IamPolicyEditor ServicePolicyEditor(string projectId, string serviceId) => new IamPolicyEditor(
            ct => GetServicePolicyAsync(projectId, serviceId, ct),
            (policy, ct) => SetServicePolicyAsync(projectId, serviceId, policy, ct));
    }
}
