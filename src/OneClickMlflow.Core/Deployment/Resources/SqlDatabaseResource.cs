using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>The MySQL database MLflow's tables live in (utf8mb4, so any run name or tag fits).</summary>
    public sealed class SqlDatabaseResource : Resource
    {
        public const string Charset = "utf8mb4";
        public const string Collation = "utf8mb4_0900_ai_ci";

        private readonly CloudSqlClient sql;
        private readonly string projectId;
        private readonly SqlInstanceResource instance;
        private MySqlDatabase? live;

        public SqlDatabaseResource(CloudSqlClient sql, string projectId, SqlInstanceResource instance)
            : base("sql-database", "Cloud SQL database", DeploymentNames.DatabaseName, instance)
        {
            this.sql = sql;
            this.projectId = projectId;
            this.instance = instance;
        }

        protected override bool Exists => live != null;

        public override ResourcePermissions Permissions { get; } = new ResourcePermissions(
            read: new[] { "cloudsql.databases.get" },
            create: new[] { "cloudsql.databases.create" });

        public override async Task ObserveAsync(CancellationToken cancellationToken) =>
            live = await sql.GetDatabaseAsync(projectId, instance.Name, Name, cancellationToken).ConfigureAwait(false);

        public override PlannedChange Plan() => live == null
            ? Create("does not exist", new Dictionary<string, string> { ["charset"] = Charset, ["collation"] = Collation })
            : Unchanged("exists");

        /// <summary>Never deleted on its own (that would lose the runs before the final backup): it goes with the instance.</summary>
        public override PlannedChange PlanRemoval() => Unchanged(live == null ? "does not exist" : InstanceContents.Reason);

        public override async Task ApplyAsync(ResourceApplyContext context) =>
            live = await CreateOnce.EnsureAsync(
                sql, $"{Kind} '{Name}'",
                ct => sql.GetDatabaseAsync(projectId, instance.Name, Name, ct),
                ct => sql.InsertDatabaseAsync(projectId, instance.Name, new MySqlDatabase { Name = Name, Charset = Charset, Collation = Collation }, ct),
                context.CancellationToken).ConfigureAwait(false);
    }
}
