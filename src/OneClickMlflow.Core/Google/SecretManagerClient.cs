using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>google.cloud.secretmanager.v1.Secret (no value: values live in versions).</summary>
    public sealed class Secret
    {
        /// <summary>"projects/NUMBER/secrets/ID" as Google answers.</summary>
        public string? Name { get; set; }

        public SecretReplication? Replication { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        /// <summary>Client tools' own state ("without requiring a database", as Secret Manager describes them).</summary>
        public Dictionary<string, string>? Annotations { get; set; }

        /// <summary>Changes with every patch of the secret, not when a version is added (https://cloud.google.com/secret-manager/docs/etags).</summary>
        public string? Etag { get; set; }
    }

    public sealed class SecretReplication
    {
        /// <summary>An empty object selects automatic replication.</summary>
        public Dictionary<string, object>? Automatic { get; set; }
    }

    /// <summary>A version's metadata: ENABLED, DISABLED or DESTROYED.</summary>
    public sealed class SecretVersion
    {
        public string? Name { get; set; }

        public string? State { get; set; }

        /// <summary>The version's number (versions count up from 1), from the end of its name; 0 when unknown.</summary>
        public long Number => long.TryParse(Name?.Substring(Name.LastIndexOf('/') + 1), out var number) ? number : 0;
    }

    /// <summary>Secret Manager v1: secrets, their versions and their own IAM policy. Values are never logged.</summary>
    public sealed class SecretManagerClient : GoogleApiClient
    {
        public SecretManagerClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.SecretManager)
        {
        }

        public Task<Secret?> GetSecretAsync(string projectId, string secretId, CancellationToken cancellationToken) =>
            GetOrNullAsync<Secret>(SecretPath(projectId, secretId), cancellationToken);

        /// <summary>Creates the secret container (automatic replication); 409 when it exists.</summary>
        public Task<Secret> CreateSecretAsync(string projectId, string secretId, IReadOnlyDictionary<string, string> labels,
            CancellationToken cancellationToken) =>
            SendAsync<Secret>(HttpMethod.Post, $"projects/{Escape(projectId)}/secrets?secretId={Escape(secretId)}",
                new Secret
                {
                    Replication = new SecretReplication { Automatic = new Dictionary<string, object>() },
                    Labels = labels.ToDictionary(l => l.Key, l => l.Value),
                },
                RequestRetry.Never, cancellationToken);

        /// <summary>Deletes the secret with every version (synchronous); 404 when it is already gone.</summary>
        public Task DeleteSecretAsync(string projectId, string secretId, CancellationToken cancellationToken) =>
            SendAsync<object>(HttpMethod.Delete, SecretPath(projectId, secretId), null, RequestRetry.ByMethod, cancellationToken);

        /// <summary>Every version, newest first (null when the secret does not exist).</summary>
        public async Task<List<SecretVersion>?> ListVersionsAsync(string projectId, string secretId, CancellationToken cancellationToken)
        {
            try
            {
                return await ListAllAsync<VersionList, SecretVersion>($"{SecretPath(projectId, secretId)}/versions",
                    p => p.Versions, p => p.NextPageToken, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.IsNotFound)
            {
                return null;
            }
        }

        /// <summary>
        /// Stores <paramref name="value"/> as the newest version. Sent once: a version is not idempotent, and a resend
        /// that lands late (after another write) would make a stale value the newest; the caller re-reads the versions
        /// after a failure and decides.
        /// </summary>
        public Task<SecretVersion> AddVersionAsync(string projectId, string secretId, string value, CancellationToken cancellationToken) =>
            SendAsync<SecretVersion>(HttpMethod.Post, $"{SecretPath(projectId, secretId)}:addVersion",
                new { payload = new { data = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) } },
                RequestRetry.Never, cancellationToken);

        /// <summary>
        /// Replaces the secret's annotations if its etag is still <paramref name="etag"/>; a stale one fails with 400
        /// FAILED_PRECONDITION (<see cref="GoogleCloudApiException.IsFailedPrecondition"/>). Sent once: the caller re-reads.
        /// </summary>
        public Task<Secret> SetAnnotationsAsync(string projectId, string secretId, IReadOnlyDictionary<string, string> annotations, string? etag,
            CancellationToken cancellationToken) =>
            SendAsync<Secret>(new HttpMethod("PATCH"), $"{SecretPath(projectId, secretId)}?updateMask=annotations",
                new Secret { Annotations = annotations.ToDictionary(a => a.Key, a => a.Value), Etag = etag },
                RequestRetry.Never, cancellationToken);

        /// <summary>The value of a version ("latest" by default).</summary>
        public async Task<string> AccessVersionAsync(string projectId, string secretId, CancellationToken cancellationToken,
            string version = "latest")
        {
            var answer = await GetAsync<AccessResponse>($"{SecretPath(projectId, secretId)}/versions/{Escape(version)}:access",
                cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(Convert.FromBase64String(answer.Payload?.Data ?? ""));
        }

        public Task<IamPolicy> GetIamPolicyAsync(string projectId, string secretId, CancellationToken cancellationToken) =>
            GetAsync<IamPolicy>($"{SecretPath(projectId, secretId)}:getIamPolicy?options.requestedPolicyVersion=3", cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 409 ABORTED (use <see cref="PolicyEditor"/>).</summary>
        public Task<IamPolicy> SetIamPolicyAsync(string projectId, string secretId, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Post, $"{SecretPath(projectId, secretId)}:setIamPolicy", new { policy },
                RequestRetry.Never, cancellationToken);

        public IamPolicyEditor PolicyEditor(string projectId, string secretId) => new IamPolicyEditor(
            Pipeline,
            ct => GetIamPolicyAsync(projectId, secretId, ct),
            (policy, ct) => SetIamPolicyAsync(projectId, secretId, policy, ct));

        /// <summary>The resource name as the project id spells it: projects/P/secrets/ID.</summary>
        public static string SecretResourceName(string projectId, string secretId) => $"projects/{projectId}/secrets/{secretId}";

        private static string SecretPath(string projectId, string secretId) => $"projects/{Escape(projectId)}/secrets/{Escape(secretId)}";

        private sealed class VersionList
        {
            public List<SecretVersion>? Versions { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class AccessResponse
        {
            public SecretPayload? Payload { get; set; }
        }

        private sealed class SecretPayload
        {
            public string? Data { get; set; }
        }
    }
}
