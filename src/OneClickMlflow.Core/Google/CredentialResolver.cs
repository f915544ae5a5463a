using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;

namespace OneClickMlflow.Google
{
    /// <summary>A credential ready for use, with who it acts as and where it came from.</summary>
    public sealed class ResolvedCredential
    {
        public ResolvedCredential(GoogleCredential credential, string account, string source)
        {
            Credential = credential;
            Account = account;
            Source = source;
        }

        public GoogleCredential Credential { get; }

        public string Account { get; }

        public string Source { get; }

        /// <summary>The quota project the credential file names (ADC's quota_project_id), or null.</summary>
        public string? QuotaProject { get; set; }
    }

    /// <summary>
    /// Application Default Credentials as gcloud and Google's libraries look for them: GOOGLE_APPLICATION_CREDENTIALS,
    /// then gcloud's well-known ADC file, then the metadata server (GCE_METADATA_HOST redirects it); optionally
    /// impersonating a service account. Loading makes no network call: tokens are fetched on first use.
    /// </summary>
    public static class CredentialResolver
    {
        public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

        public static async Task<ResolvedCredential> ResolveAsync(IReadOnlyDictionary<string, string> environment,
            GcloudConfiguration configuration, ApiEndpoints endpoints, string? impersonateServiceAccount, CancellationToken cancellationToken)
        {
            var factory = new AuthHttpClientFactory(new TokenHostRedirects(endpoints, configuration.Get("auth", "token_host")));
            var source = await LoadSourceAsync(environment, configuration, cancellationToken).ConfigureAwait(false);
            var credential = source.Credential.CreateScoped(CloudPlatformScope).CreateWithHttpClientFactory(factory);
            // A given account is used as given (the cmdlets checked it); none given, gcloud's setting applies.
            var target = impersonateServiceAccount ?? configuration.Get("auth", "impersonate_service_account");
            if (target == null)
            {
                return new ResolvedCredential(credential, source.Account, source.Source) { QuotaProject = source.Credential.QuotaProject };
            }
            var impersonated = credential.Impersonate(new ImpersonatedCredential.Initializer(target)
            {
                Scopes = new[] { CloudPlatformScope },
                HttpClientFactory = factory,
            });
            return new ResolvedCredential(impersonated, target, $"{source.Source}, impersonating {target}") { QuotaProject = source.Credential.QuotaProject };
        }

        private static async Task<ResolvedCredential> LoadSourceAsync(IReadOnlyDictionary<string, string> environment,
            GcloudConfiguration configuration, CancellationToken cancellationToken)
        {
            var explicitFile = GcloudConfiguration.Value(environment, "GOOGLE_APPLICATION_CREDENTIALS");
            if (explicitFile != null)
            {
                if (!File.Exists(explicitFile))
                {
                    throw new CredentialsNotFoundException(
                        $"GOOGLE_APPLICATION_CREDENTIALS names '{explicitFile}', which does not exist.");
                }
                return await FromFileAsync(explicitFile, "GOOGLE_APPLICATION_CREDENTIALS", configuration, cancellationToken).ConfigureAwait(false);
            }
            var wellKnown = Path.Combine(configuration.Directory, "application_default_credentials.json");
            if (File.Exists(wellKnown))
            {
                return await FromFileAsync(wellKnown, "gcloud application-default credentials", configuration, cancellationToken).ConfigureAwait(false);
            }
            var metadataHost = GcloudConfiguration.Value(environment, "GCE_METADATA_HOST");
            if (metadataHost != null)
            {
                var root = "http://" + metadataHost + "/computeMetadata/v1/";
                var compute = new ComputeCredential(new ComputeCredential.Initializer(
                    root + "instance/service-accounts/default/token", root + "instance/service-accounts/default/identity"));
                return new ResolvedCredential(GoogleCredential.FromComputeCredential(compute), "metadata server default service account", $"metadata server ({metadataHost})");
            }
            if (await ComputeCredential.IsRunningOnComputeEngine().ConfigureAwait(false))
            {
                return new ResolvedCredential(GoogleCredential.FromComputeCredential(new ComputeCredential()),
                    "metadata server default service account", "metadata server");
            }
            throw new CredentialsNotFoundException(
                "No Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a credential file, or run " +
                "'gcloud auth application-default login'.");
        }

        private static async Task<ResolvedCredential> FromFileAsync(string path, string origin, GcloudConfiguration configuration,
            CancellationToken cancellationToken)
        {
            string json;
            using (var reader = new StreamReader(path))
            {
                json = await reader.ReadToEndAsync().ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            string type;
            string account;
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                type = StringOf(root, "type") ?? "unknown";
                account = DescribeAccount(type, root, configuration);
            }
            catch (JsonException e)
            {
                throw new CredentialsNotFoundException($"The credential file from {origin} is not valid JSON.", e);
            }
            try
            {
                var credential = CredentialFactory.FromJson(json, type);
                return new ResolvedCredential(credential, account, $"{origin} ({type})");
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is JsonException)
            {
                throw new CredentialsNotFoundException($"The credential file from {origin} could not be loaded: {e.Message}", e);
            }
        }

        private static string DescribeAccount(string type, JsonElement root, GcloudConfiguration configuration)
        {
            switch (type)
            {
                case "service_account":
                    return StringOf(root, "client_email") ?? "service account";
                case "impersonated_service_account":
                case "external_account":
                    var url = StringOf(root, "service_account_impersonation_url");
                    return url != null ? EmailFromImpersonationUrl(url) : "external account (" + (StringOf(root, "audience") ?? "federated") + ")";
                case "authorized_user":
                    return configuration.Get("core", "account") ?? "user credentials";
                default:
                    return type;
            }
        }

        /// <summary>".../serviceAccounts/EMAIL:generateAccessToken" to EMAIL.</summary>
        internal static string EmailFromImpersonationUrl(string url)
        {
            var start = url.LastIndexOf("serviceAccounts/", StringComparison.Ordinal);
            if (start < 0)
            {
                return url;
            }
            var email = url.Substring(start + "serviceAccounts/".Length);
            var colon = email.IndexOf(':');
            return Uri.UnescapeDataString(colon >= 0 ? email.Substring(0, colon) : email);
        }

        private static string? StringOf(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}
