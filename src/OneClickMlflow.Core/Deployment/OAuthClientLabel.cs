using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The OAuth setting a deployment relies on, kept as a label of its artifacts bucket. IAP's OAuth client belongs to
    /// the whole App Engine application, so every deployment of a project must want the same one: the label lets a
    /// plan see what the others rely on (one bucket listing) and lets Get-MlflowDeployment tell drift in the app's
    /// client. It holds no secret: Google's managed client, or the client id without its fixed suffix.
    /// </summary>
    public static class OAuthClientLabel
    {
        public const string Key = "oneclick-mlflow-oauth";
        public const string GoogleManagedValue = "google-managed";
        public const string ClientIdSuffix = ".apps.googleusercontent.com";

        /// <summary>What precedes the suffix in every OAuth client id Google issues (NUMBER or NUMBER-ID): a label value as it is.</summary>
        private static readonly Regex ClientIdPrefix = ParameterChecks.WholeValue("[0-9][a-z0-9-]{0,62}");

        /// <summary>Whether <paramref name="clientId"/> has the form of a Google OAuth client id.</summary>
        public static bool IsClientId(string clientId) =>
            clientId.EndsWith(ClientIdSuffix, System.StringComparison.Ordinal)
            && ClientIdPrefix.IsMatch(clientId.Substring(0, clientId.Length - ClientIdSuffix.Length));

        /// <summary>The label value of a client id; empty means Google's managed client.</summary>
        public static string ValueOf(string clientId) =>
            clientId.Length == 0 ? GoogleManagedValue : clientId.Substring(0, clientId.Length - ClientIdSuffix.Length);

        /// <summary>The client id a label value records (empty for Google's managed client), or null for a value it cannot be.</summary>
        public static string? ClientIdOf(string? value)
        {
            if (value == GoogleManagedValue)
            {
                return "";
            }
            return value != null && ClientIdPrefix.IsMatch(value) ? value + ClientIdSuffix : null;
        }

        /// <summary>"Google's managed OAuth client" or "OAuth client ID", for plans and errors.</summary>
        public static string Describe(string clientId) =>
            clientId.Length == 0 ? "Google's managed OAuth client" : $"OAuth client {clientId}";
    }
}
