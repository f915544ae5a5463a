using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>Cloud SQL Admin v1beta4: instances, databases and users; every change waits for its sql#operation.</summary>
    public sealed class CloudSqlClient : GoogleApiClient
    {
        private readonly OperationPoller poller;

        public CloudSqlClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints, OperationPoller poller)
            : base(pipeline, endpoints, GoogleApis.Sql)
        {
            this.poller = poller;
        }

        /// <summary>
        /// The instance, or null when it does not exist. Google sometimes answers 403 for an instance that does not
        /// exist, so a 403 is confirmed with instances.list: absent from a list the caller may read means missing.
        /// </summary>
        public async Task<DatabaseInstance?> GetInstanceAsync(string projectId, string instance, CancellationToken cancellationToken)
        {
            try
            {
                return await GetOrNullAsync<DatabaseInstance>(InstancePath(projectId, instance), cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleCloudApiException e) when (e.HttpStatus == 403)
            {
                var all = await ListInstancesAsync(projectId, cancellationToken).ConfigureAwait(false);
                if (all.Any(i => i.Name == instance))
                {
                    throw; // It exists: the 403 is a real lack of permission.
                }
                return null;
            }
        }

        public Task<List<DatabaseInstance>> ListInstancesAsync(string projectId, CancellationToken cancellationToken) =>
            ListAllAsync<InstanceList, DatabaseInstance>($"projects/{Escape(projectId)}/instances", p => p.Items, p => p.NextPageToken,
                cancellationToken);

        /// <summary>Creates the instance and waits for it to run (minutes); 409 when the name is taken.</summary>
        public Task InsertInstanceAsync(string projectId, DatabaseInstance instance, Action<TimeSpan>? progress, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Post, $"projects/{Escape(projectId)}/instances", instance, RequestRetry.Never, progress, cancellationToken);

        /// <summary>Changes the given settings (with the current settingsVersion, so a concurrent change fails with 412) and waits.</summary>
        public Task PatchInstanceAsync(string projectId, string instance, DatabaseInstance patch, Action<TimeSpan>? progress,
            CancellationToken cancellationToken) =>
            RunAsync(GoogleRequest.Patch, InstancePath(projectId, instance), patch, RequestRetry.Never, progress, cancellationToken);

        /// <summary>
        /// Deletes the instance and waits. With <paramref name="finalBackupTtlDays"/> Cloud SQL first takes a final
        /// backup kept that many days (1-365); without it nothing of the instance is kept. Refused (400) while
        /// settings.deletionProtectionEnabled is on.
        /// </summary>
        public Task DeleteInstanceAsync(string projectId, string instance, int? finalBackupTtlDays, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var query = finalBackupTtlDays.HasValue
                ? "?enableFinalBackup=true&finalBackupTtlDays=" + finalBackupTtlDays.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "";
            return RunAsync(HttpMethod.Delete, InstancePath(projectId, instance) + query, null, RequestRetry.Never, progress, cancellationToken);
        }

        /// <summary>
        /// Waits until no operation of the instance is pending or running, and says whether there was one: an operation
        /// a stopped run left behind (a removal's deletion-protection patch, its delete) changes the instance after it
        /// was read otherwise. Its outcome is that run's, not this one's: a failure is not reported here.
        /// </summary>
        public async Task<bool> WaitForPendingOperationsAsync(string projectId, string instance, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            // sql.operations.list, newest first: a pending operation is among the recent ones.
            var list = await GetAsync<OperationList>($"projects/{Escape(projectId)}/operations?instance={Escape(instance)}&maxResults=20",
                cancellationToken).ConfigureAwait(false);
            var pending = (list.Items ?? new List<ResourceOperation>()).Where(o => !o.IsDone).ToList();
            foreach (var operation in pending)
            {
                try
                {
                    await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationFailedException)
                {
                }
            }
            return pending.Count > 0;
        }

        /// <summary>The project's backups that outlive their instance (final backups and retained ones).</summary>
        public Task<List<SqlBackup>> ListBackupsAsync(string projectId, CancellationToken cancellationToken) =>
            ListAllAsync<BackupList, SqlBackup>($"projects/{Escape(projectId)}/backups", p => p.Backups, p => p.NextPageToken, cancellationToken);

        public Task<MySqlDatabase?> GetDatabaseAsync(string projectId, string instance, string database, CancellationToken cancellationToken) =>
            GetOrNullAsync<MySqlDatabase>($"{InstancePath(projectId, instance)}/databases/{Escape(database)}", cancellationToken);

        public Task InsertDatabaseAsync(string projectId, string instance, MySqlDatabase database, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Post, $"{InstancePath(projectId, instance)}/databases", database, RequestRetry.Never, null, cancellationToken);

        /// <summary>The user, or null; Google lists users (there is no get for MySQL users by host).</summary>
        public async Task<MySqlUser?> FindUserAsync(string projectId, string instance, string name, string host, CancellationToken cancellationToken)
        {
            var list = await GetAsync<UserList>($"{InstancePath(projectId, instance)}/users", cancellationToken).ConfigureAwait(false);
            return list.Items?.FirstOrDefault(u => u.Name == name && (u.Host ?? "%") == host);
        }

        /// <summary>Creates the user with its password; 409 when it exists.</summary>
        public Task InsertUserAsync(string projectId, string instance, MySqlUser user, CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Post, $"{InstancePath(projectId, instance)}/users", user, RequestRetry.Never, null, cancellationToken);

        /// <summary>Sets the user's password (setting the same password again changes nothing, so a resend is safe).</summary>
        public Task SetUserPasswordAsync(string projectId, string instance, string name, string host, string password,
            CancellationToken cancellationToken) =>
            RunAsync(HttpMethod.Put, $"{InstancePath(projectId, instance)}/users?name={Escape(name)}&host={Escape(host)}",
                new MySqlUser { Name = name, Host = host, Password = password }, RequestRetry.Safe, null, cancellationToken);

        /// <summary>
        /// Sends a change and waits for its operation. Cloud SQL runs one operation per instance at a time and refuses
        /// the others with 409 operationInProgress before accepting them, so such a change is sent again once the
        /// instance is free (databases and users of one instance, or an operation left running by a stopped run).
        /// </summary>
        private async Task RunAsync(HttpMethod method, string path, object? body, RequestRetry retry, Action<TimeSpan>? progress,
            CancellationToken cancellationToken)
        {
            var delay = TimeSpan.FromMilliseconds(250);
            var busySince = DateTime.UtcNow;
            while (true)
            {
                ResourceOperation operation;
                try
                {
                    operation = await SendAsync<ResourceOperation>(method, path, body, retry, cancellationToken).ConfigureAwait(false);
                }
                catch (GoogleCloudApiException e) when (IsInstanceBusy(e) && DateTime.UtcNow - busySince < BusyTimeout)
                {
                    progress?.Invoke(DateTime.UtcNow - busySince);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10000));
                    continue;
                }

                await poller.WaitAsync(Api, operation, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        /// <summary>How long a change waits for another operation on the instance (a patch takes minutes).</summary>
        private static readonly TimeSpan BusyTimeout = TimeSpan.FromMinutes(20);

        private static bool IsInstanceBusy(GoogleCloudApiException error) => error.HttpStatus == 409 && error.Reason == "operationInProgress";

        private static string InstancePath(string projectId, string instance) =>
            $"projects/{Escape(projectId)}/instances/{Escape(instance)}";

        private sealed class InstanceList
        {
            public List<DatabaseInstance>? Items { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class OperationList
        {
            public List<ResourceOperation>? Items { get; set; }
        }

        private sealed class BackupList
        {
            public List<SqlBackup>? Backups { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class UserList
        {
            public List<MySqlUser>? Items { get; set; }
        }
    }
}
