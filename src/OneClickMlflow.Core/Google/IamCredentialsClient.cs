using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>iamcredentials_v1 SignJwtResponse.</summary>
    public sealed class SignJwtResponse
    {
        public string? KeyId { get; set; }

        public string? SignedJwt { get; set; }
    }

    /// <summary>iamcredentials_v1 GenerateIdTokenResponse.</summary>
    public sealed class GenerateIdTokenResponse
    {
        public string? Token { get; set; }
    }

    /// <summary>
    /// IAM Service Account Credentials v1: signs JWTs and mints ID tokens as a service account. The caller needs
    /// roles/iam.serviceAccountTokenCreator on that account (or its project).
    /// </summary>
    public sealed class IamCredentialsClient : GoogleApiClient
    {
        public IamCredentialsClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.IamCredentials)
        {
        }

        /// <summary>Signs <paramref name="payloadJson"/> (a JSON object of claims) with a Google-managed key of the account.</summary>
        public Task<SignJwtResponse> SignJwtAsync(string serviceAccountEmail, string payloadJson, CancellationToken cancellationToken) =>
            SendAsync<SignJwtResponse>(HttpMethod.Post, AccountPath(serviceAccountEmail) + ":signJwt",
                new SignJwtRequest { Payload = payloadJson }, RequestRetry.Safe, cancellationToken);

        /// <summary>An OIDC ID token of the account for <paramref name="audience"/>, with its e-mail claim.</summary>
        public Task<GenerateIdTokenResponse> GenerateIdTokenAsync(string serviceAccountEmail, string audience, CancellationToken cancellationToken) =>
            SendAsync<GenerateIdTokenResponse>(HttpMethod.Post, AccountPath(serviceAccountEmail) + ":generateIdToken",
                new GenerateIdTokenRequest { Audience = audience, IncludeEmail = true }, RequestRetry.Safe, cancellationToken);

        // "-" lets Google infer the project from the account, as gcloud does.
        private static string AccountPath(string email) => "projects/-/serviceAccounts/" + Escape(email);

        private sealed class SignJwtRequest
        {
            public string Payload { get; set; } = "";
        }

        private sealed class GenerateIdTokenRequest
        {
            public string Audience { get; set; } = "";

            public bool IncludeEmail { get; set; }
        }
    }
}
