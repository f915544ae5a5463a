using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>iam_v1 ServiceAccount (the fields the deployment reads and writes).</summary>
    public sealed class ServiceAccount
    {
        /// <summary>"projects/{p}/serviceAccounts/{email}".</summary>
        public string? Name { get; set; }

        public string? Email { get; set; }

        public string? UniqueId { get; set; }

        public string? DisplayName { get; set; }

        public string? Description { get; set; }

        public bool? Disabled { get; set; }
    }

    /// <summary>IAM v1: service accounts of a project.</summary>
    public sealed class IamClient : GoogleApiClient
    {
        public IamClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.Iam)
        {
        }

        /// <summary>The service account, or null when it does not exist.</summary>
        public Task<ServiceAccount?> GetServiceAccountAsync(string projectId, string email, CancellationToken cancellationToken) =>
            GetOrNullAsync<ServiceAccount>($"projects/{Escape(projectId)}/serviceAccounts/{Escape(email)}", cancellationToken);

        /// <summary>Creates the account (synchronous); 409 when it exists.</summary>
        public Task<ServiceAccount> CreateServiceAccountAsync(string projectId, string accountId, string displayName, string description,
            CancellationToken cancellationToken) =>
            SendAsync<ServiceAccount>(HttpMethod.Post, $"projects/{Escape(projectId)}/serviceAccounts",
                new CreateRequest { AccountId = accountId, ServiceAccount = new ServiceAccount { DisplayName = displayName, Description = description } },
                RequestRetry.Never, cancellationToken);

        /// <summary>Deletes the account (synchronous); 404 when it is already gone.</summary>
        public Task DeleteServiceAccountAsync(string projectId, string email, CancellationToken cancellationToken) =>
            SendAsync<object>(HttpMethod.Delete, $"projects/{Escape(projectId)}/serviceAccounts/{Escape(email)}", null,
                RequestRetry.ByMethod, cancellationToken);

        /// <summary>
        /// The service account's own IAM policy (who may act as it). A POST without a body: the requested policy
        /// version is the <c>options.requestedPolicyVersion</c> query parameter (the generated client's request_field is empty).
        /// </summary>
        public Task<IamPolicy> GetServiceAccountPolicyAsync(string projectId, string email, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post,
                $"projects/{Escape(projectId)}/serviceAccounts/{Escape(email)}:getIamPolicy?options.requestedPolicyVersion=3",
                null, RequestRetry.Safe, cancellationToken);

        public Task<IamPolicy> SetServiceAccountPolicyAsync(string projectId, string email, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, $"projects/{Escape(projectId)}/serviceAccounts/{Escape(email)}:setIamPolicy",
                new { policy }, RequestRetry.Never, cancellationToken);

        /// <summary>The subset of <paramref name="permissions"/> the caller holds on the account.</summary>
        public async Task<IReadOnlyList<string>> TestServiceAccountPermissionsAsync(string projectId, string email, IReadOnlyList<string> permissions,
            CancellationToken cancellationToken)
        {
            var answer = await SendAsync<PermissionsAnswer>(HttpMethod.Post, $"projects/{Escape(projectId)}/serviceAccounts/{Escape(email)}:testIamPermissions",
                new { permissions }, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
            return answer.Permissions ?? new List<string>();
        }

        public IamPolicyEditor ServiceAccountPolicyEditor(string projectId, string email) => new IamPolicyEditor(
            Pipeline,
            ct => GetServiceAccountPolicyAsync(projectId, email, ct),
            (policy, ct) => SetServiceAccountPolicyAsync(projectId, email, policy, ct));

        private sealed class PermissionsAnswer
        {
            public List<string>? Permissions { get; set; }
        }

        private sealed class CreateRequest
        {
            public string AccountId { get; set; } = "";

            public ServiceAccount? ServiceAccount { get; set; }
        }
    }
}
