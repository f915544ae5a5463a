using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using OneClickMlflow.Google;

namespace OneClickMlflow.Tokens
{
    /// <summary>
    /// Issues the bearer token a client sends to the IAP-guarded tracking server: a JWT of the service account,
    /// signed by its own key when the session's credential is that key, otherwise by IAM Credentials signJwt; or,
    /// with an audience, an OIDC ID token for that OAuth client.
    /// </summary>
    public sealed class TrackingTokenIssuer
    {
        public const string TokenCreatorRole = "roles/iam.serviceAccountTokenCreator";
        public static readonly TimeSpan JwtLifetime = TimeSpan.FromHours(1);

        private readonly GoogleCredential credential;
        private readonly string configuredAccount;
        private readonly Func<CancellationToken, Task<string?>> callerMember;
        private readonly IamCredentialsClient iamCredentials;
        private readonly TrackingTokenCache cache;

        public TrackingTokenIssuer(GoogleCloudSession session, TrackingTokenCache? cache = null)
        {
            credential = session.Credential;
            configuredAccount = session.Account;
            callerMember = session.CallerMemberAsync;
            iamCredentials = session.IamCredentials;
            this.cache = cache ?? TrackingTokenCache.Shared;
        }

        /// <summary>Reports how the token was obtained (never the token).</summary>
        public event Action<string>? Log;

        public async Task<IssuedToken> IssueAsync(TrackingTokenRequest request, CancellationToken cancellationToken)
        {
            var audience = request.Audience ?? request.JwtAudience;
            if (!request.Refresh && cache.Find(request.ServiceAccount, audience) is { } cached)
            {
                Log?.Invoke($"Reusing the token of {cached.ServiceAccount} for {audience}, valid until {cached.ExpiresOn:u}.");
                return cached;
            }
            var issued = request.Audience == null
                ? await SignJwtAsync(request.ServiceAccount, audience, cancellationToken).ConfigureAwait(false)
                : await IdTokenAsync(request.ServiceAccount, audience, cancellationToken).ConfigureAwait(false);
            cache.Store(issued);
            return issued;
        }

        /// <summary>
        /// A token as the first of <paramref name="accounts"/> the caller may sign as: a deployment's own log pusher,
        /// then the one deployments once shared, which its people keep until their deployment has moved off it.
        /// </summary>
        public async Task<IssuedToken> IssueAsFirstAllowedAsync(TrackingTokenRequest request, IReadOnlyList<string> accounts,
            CancellationToken cancellationToken)
        {
            for (var i = 0; ; i++)
            {
                var attempt = new TrackingTokenRequest(request.TrackingUri, accounts[i]) { Audience = request.Audience, Refresh = request.Refresh };
                try
                {
                    return await IssueAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (TrackingTokenException e) when (e.Failure == TrackingTokenFailure.PermissionDenied && i + 1 < accounts.Count)
                {
                    Log?.Invoke($"{await CallerAsync(cancellationToken).ConfigureAwait(false)} may not sign as {accounts[i]} yet; trying {accounts[i + 1]}.");
                }
            }
        }

        private async Task<IssuedToken> SignJwtAsync(string serviceAccount, string audience, CancellationToken cancellationToken)
        {
            var issuedAt = cache.Now.ToUnixTimeSeconds();
            var expires = issuedAt + (long)JwtLifetime.TotalSeconds;
            var payload = JsonSerializer.Serialize(new { iss = serviceAccount, sub = serviceAccount, aud = audience, iat = issuedAt, exp = expires });
            string jwt;
            if (OwnKey(serviceAccount) is { } key)
            {
                Log?.Invoke($"Signing a JWT for {audience} with the key of {serviceAccount} (the current credential).");
                jwt = SignWithKey(key, payload);
            }
            else
            {
                Log?.Invoke($"Signing a JWT for {audience} as {serviceAccount} through IAM Credentials signJwt.");
                var response = await Guard(serviceAccount, () => iamCredentials.SignJwtAsync(serviceAccount, payload, cancellationToken), cancellationToken).ConfigureAwait(false);
                jwt = response.SignedJwt ?? throw new InvalidOperationException("IAM Credentials signJwt returned no signed JWT.");
            }
            // The signed token's own exp, which is what IAP checks (IAM signs the payload as given, so it is normally ours).
            return new IssuedToken(jwt, ExpiryOf(jwt), serviceAccount, audience);
        }

        private async Task<IssuedToken> IdTokenAsync(string serviceAccount, string audience, CancellationToken cancellationToken)
        {
            string token;
            if (OwnKey(serviceAccount) != null || ImpersonatedTarget() is { } target && SameAccount(target, serviceAccount))
            {
                Log?.Invoke($"Getting an ID token for {audience} from the current credential ({serviceAccount}).");
                var oidc = await credential.GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience(audience), cancellationToken).ConfigureAwait(false);
                token = await oidc.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log?.Invoke($"Getting an ID token for {audience} as {serviceAccount} through IAM Credentials generateIdToken.");
                var response = await Guard(serviceAccount, () => iamCredentials.GenerateIdTokenAsync(serviceAccount, audience, cancellationToken), cancellationToken).ConfigureAwait(false);
                token = response.Token ?? throw new InvalidOperationException("IAM Credentials generateIdToken returned no token.");
            }
            return new IssuedToken(token, ExpiryOf(token), serviceAccount, audience);
        }

        /// <summary>The session's key when it is the service account's own key file.</summary>
        private ServiceAccountCredential? OwnKey(string serviceAccount) =>
            credential.UnderlyingCredential is ServiceAccountCredential key && SameAccount(key.Id, serviceAccount) ? key : null;

        private string? ImpersonatedTarget() => (credential.UnderlyingCredential as ImpersonatedCredential)?.TargetPrincipal;

        private static bool SameAccount(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        /// <summary>header.payload signed by the library's RSA signing of the key (RS256).</summary>
        private static string SignWithKey(ServiceAccountCredential key, string payload)
        {
            var header = JsonSerializer.Serialize(new { alg = "RS256", typ = "JWT", kid = key.KeyId });
            var signingInput = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
            var signature = key.CreateSignature(Encoding.ASCII.GetBytes(signingInput));
            return signingInput + "." + Base64Url(Convert.FromBase64String(signature));
        }

        /// <summary>
        /// A 403 from IAM Credentials becomes a message naming the role, the account and the caller: the identity the
        /// credentials speak for, as Google's tokeninfo says (gcloud's core/account may name another user).
        /// </summary>
        private async Task<T> Guard<T>(string serviceAccount, Func<Task<T>> call, CancellationToken cancellationToken)
        {
            GoogleCloudApiException denied;
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                denied = e;
            }
            var caller = await CallerAsync(cancellationToken).ConfigureAwait(false);
            throw new TrackingTokenException(TrackingTokenFailure.PermissionDenied,
                $"{caller} cannot sign as {serviceAccount} ({denied.Message}). Grant {TokenCreatorRole} on {serviceAccount} to {caller}, " +
                "or pass -ServiceAccount naming an account you may sign as, or run with that account's credentials.", denied);
        }

        private async Task<string> CallerAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await callerMember(cancellationToken).ConfigureAwait(false) ?? configuredAccount;
            }
            catch (Exception e) when (e is GoogleCloudApiException || e is System.Net.Http.HttpRequestException || e is InvalidOperationException)
            {
                return configuredAccount;
            }
        }

        internal static DateTimeOffset ExpiryOf(string jwt)
        {
            var parts = jwt.Split('.');
            if (parts.Length == 3)
            {
                using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
                if (payload.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds))
                {
                    return DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
            throw new InvalidOperationException("The token has no expiry (exp claim).");
        }

        internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        internal static byte[] FromBase64Url(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
        }
    }
}
