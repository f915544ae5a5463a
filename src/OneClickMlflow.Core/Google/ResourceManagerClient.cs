using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>A project as Resource Manager v1 describes it.</summary>
    public sealed class ProjectInfo
    {
        public string ProjectId { get; set; } = "";

        /// <summary>Needed by Service Networking and IAP paths.</summary>
        public string ProjectNumber { get; set; } = "";

        public string? Name { get; set; }

        public string? LifecycleState { get; set; }
    }

    /// <summary>Resource Manager v1: the project, its ancestry and organization, and its IAM policy.</summary>
    public sealed class ResourceManagerClient : GoogleApiClient
    {
        public ResourceManagerClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.ResourceManager)
        {
        }

        public Task<ProjectInfo> GetProjectAsync(string projectId, CancellationToken cancellationToken) =>
            GetAsync<ProjectInfo>($"projects/{Escape(projectId)}", cancellationToken);

        /// <summary>The project's ancestors, the project first (v1 projects.getAncestry; needs resourcemanager.projects.get).</summary>
        public async Task<IReadOnlyList<ResourceId>> GetAncestryAsync(string projectId, CancellationToken cancellationToken)
        {
            var answer = await SendAsync<GetAncestryResponse>(HttpMethod.Post, $"projects/{Escape(projectId)}:getAncestry",
                new { }, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
            var ancestors = new List<ResourceId>();
            foreach (var ancestor in answer.Ancestor ?? new List<Ancestor>())
            {
                if (ancestor.ResourceId != null)
                {
                    ancestors.Add(ancestor.ResourceId);
                }
            }
            return ancestors;
        }

        /// <summary>v1 organizations.get (needs resourcemanager.organizations.get on the organization itself).</summary>
        public Task<Organization> GetOrganizationAsync(string organizationId, CancellationToken cancellationToken) =>
            GetAsync<Organization>($"organizations/{Escape(organizationId)}", cancellationToken);

        public Task<IamPolicy> GetIamPolicyAsync(string projectId, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, $"projects/{Escape(projectId)}:getIamPolicy",
                new { options = new { requestedPolicyVersion = 3 } }, RequestRetry.Safe, cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 409 ABORTED (use <see cref="PolicyEditor"/>).</summary>
        public Task<IamPolicy> SetIamPolicyAsync(string projectId, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, $"projects/{Escape(projectId)}:setIamPolicy",
                new { policy }, RequestRetry.Never, cancellationToken);

        /// <summary>The subset of <paramref name="permissions"/> the caller holds on the project (100 per call, Google's limit).</summary>
        public async Task<IReadOnlyList<string>> TestIamPermissionsAsync(string projectId, IReadOnlyList<string> permissions,
            CancellationToken cancellationToken)
        {
            const int PerCall = 100;
            var held = new List<string>();
            for (var start = 0; start < permissions.Count; start += PerCall)
            {
                var chunk = permissions.Skip(start).Take(PerCall).ToList();
                var answer = await SendAsync<TestPermissionsResponse>(HttpMethod.Post, $"projects/{Escape(projectId)}:testIamPermissions",
                    new { permissions = chunk }, RequestRetry.Safe, cancellationToken).ConfigureAwait(false);
                held.AddRange(answer.Permissions ?? new List<string>());
            }
            return held;
        }

        public IamPolicyEditor PolicyEditor(string projectId) => new IamPolicyEditor(
            Pipeline,
            ct => GetIamPolicyAsync(projectId, ct),
            (policy, ct) => SetIamPolicyAsync(projectId, policy, ct));

        private sealed class TestPermissionsResponse
        {
            public List<string>? Permissions { get; set; }
        }
    }
}
