namespace OneClickMlflow.Google
{
    /// <summary>The clients of the database layer (Cloud SQL and the password's secret).</summary>
    public sealed partial class GoogleCloudSession
    {
        public CloudSqlClient CloudSql => new CloudSqlClient(Pipeline, Endpoints, Operations);

        public SecretManagerClient SecretManager => new SecretManagerClient(Pipeline, Endpoints);
    }
}
