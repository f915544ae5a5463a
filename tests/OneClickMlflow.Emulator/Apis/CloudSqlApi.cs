using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Cloud SQL Admin (MySQL): instances insert/get/list/patch/delete, operations, databases and users, and the backups
/// kept on delete. Served under v1beta4 (<c>/sql/sql/v1beta4/...</c>, gcloud's path) and v1 (<c>/sql/v1/...</c>).
/// </summary>
public sealed partial class CloudSqlApi : IEmulatedApi
{
    private static readonly MessageSchema AdminSwitches = new MessageSchema("emulator.SqlSwitches").Bool("missingInstanceAnswers403");

    public ApiDescriptor Descriptor { get; } = new(
        "sql", "sql", RequiresAuthentication: true, EndpointOverride: "sql", ServiceName: CloudSqlAccess.Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        foreach (var version in new[] { "/sql/sql/v1beta4", "/sql/v1" })
        {
            var project = routes.MapGroup(version + "/projects/{project}");
            project.MapPost("/instances", context => Insert(context, state));
            project.MapGet("/instances", context => List(context, state));
            project.MapGet("/instances/{instance}", context => Get(context, state));
            project.MapPatch("/instances/{instance}", context => Patch(context, state));
            project.MapDelete("/instances/{instance}", context => Delete(context, state));
            project.MapGet("/operations", context =>
                CloudSqlOperations.ListAsync(context, state, CloudSqlAccess.Project(context, state, "cloudsql.instances.list")));
            project.MapGet("/operations/{operation}", context =>
                CloudSqlOperations.GetAsync(context, state, CloudSqlAccess.Project(context, state, "cloudsql.instances.get")));
            project.MapGet("/backups", context => ListBackups(context, state));
            CloudSqlDatabasesAndUsers.Map(project, state);
        }
        // Admin switch for scripts that run the emulator as a process (see EmulatorOptions.SqlMissingInstanceAnswers403).
        routes.MapPut(EmulatorPipeline.AdminPrefix + "/sql", async context =>
        {
            var body = await context.ReadBodyAsync(AdminSwitches);
            var sql = state.ApiState<CloudSqlState>();
            lock (state.Gate)
            {
                sql.MissingInstanceAnswers403 = body["missingInstanceAnswers403"]?.GetValue<bool>() ?? sql.MissingInstanceAnswers403;
            }
            await context.WriteJsonAsync(new JsonObject { ["missingInstanceAnswers403"] = sql.MissingInstanceAnswers403 });
        });
    }

    private static async Task Insert(HttpContext context, EmulatorState state)
    {
        var project = CloudSqlAccess.Project(context, state, "cloudsql.instances.create");
        var body = await context.ReadBodyAsync(CloudSqlSchemas.DatabaseInstance);
        var name = body["name"]?.GetValue<string>() ?? "";
        if (!InstanceNamePattern().IsMatch(name))
        {
            throw CloudSqlErrors.Invalid(
                $"Invalid instance name '{name}': use lowercase letters, digits and hyphens, starting with a letter.");
        }
        var version = body["databaseVersion"]?.GetValue<string>() ?? "MYSQL_8_0";
        CloudSqlSettings.CheckVersion(version);
        var region = body["region"]?.GetValue<string>() ?? "us-central1";
        var requested = body["settings"] as JsonObject ?? new JsonObject();
        var zone = requested["locationPreference"]?["zone"]?.GetValue<string>() ?? region + "-b";
        var settings = CloudSqlSettings.WithDefaults(requested, version, zone);
        CloudSqlSettings.NormalizeNetwork(settings);
        CloudSqlSettings.Validate(settings);
        var privateRange = CloudSqlPrivateIp.CheckNetwork(state, project, settings);

        var instance = new SqlInstance
        {
            ProjectId = project.ProjectId,
            Name = name,
            Region = region,
            Zone = zone,
            Created = state.Clock.GetUtcNow(),
            ServerCa = CloudSqlServerCa.Create(state.Clock.GetUtcNow()),
            DatabaseVersion = version,
            Settings = settings,
        };
        var root = new SqlUser("root", "%");
        root.SetPassword(body["rootPassword"]?.GetValue<string>());
        instance.Users.Add(root);
        lock (state.Gate)
        {
            var instances = state.ApiState<CloudSqlState>().Instances;
            if (instances.ContainsKey((project.ProjectId, name)))
            {
                throw CloudSqlErrors.Create(409, "ALREADY_EXISTS", "instanceAlreadyExists",
                    "The Cloud SQL instance already exists. When you delete an instance, you can't reuse the name of " +
                    "the deleted instance until one week from the deletion date.");
            }
            instances[(project.ProjectId, name)] = instance;
        }
        var operation = CloudSqlOperations.Start(context, state, instance, "CREATE", "sql.instances.create", () =>
        {
            try
            {
                // The peering may have gone while the instance was being made: then the creation fails.
                privateRange = CloudSqlPrivateIp.CheckNetwork(state, project, settings);
                if (privateRange is not null)
                {
                    instance.PrivateIp = CloudSqlPrivateIp.Allocate(state, project, privateRange);
                }
            }
            catch (GoogleApiError)
            {
                instance.State = "FAILED";
                throw;
            }
            instance.State = "RUNNABLE";
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static Task Get(HttpContext context, EmulatorState state)
    {
        var project = CloudSqlAccess.Project(context, state, "cloudsql.instances.get");
        var instance = CloudSqlAccess.Find(state, project, context.Route("instance"));
        if (instance is null)
        {
            var answers403 = state.ApiState<CloudSqlState>().MissingInstanceAnswers403;
            throw answers403 ? CloudSqlErrors.NotAuthorized() : CloudSqlErrors.InstanceMissing();
        }
        lock (state.Gate)
        {
            return context.WriteJsonAsync(CloudSqlJson.Instance(instance, project, CloudSqlOperations.ApiBase(context, state)));
        }
    }

    private static Task List(HttpContext context, EmulatorState state)
    {
        var project = CloudSqlAccess.Project(context, state, "cloudsql.instances.list");
        var apiBase = CloudSqlOperations.ApiBase(context, state);
        var body = new JsonObject { ["kind"] = "sql#instancesList" };
        lock (state.Gate)
        {
            var items = state.ApiState<CloudSqlState>().Instances.Values
                .Where(i => i.ProjectId == project.ProjectId)
                .OrderBy(i => i.Name, StringComparer.Ordinal)
                .Select(i => (JsonNode?)CloudSqlJson.Instance(i, project, apiBase))
                .ToArray();
            if (items.Length > 0)
            {
                body["items"] = new JsonArray(items);
            }
        }
        return context.WriteJsonAsync(body);
    }

    private static async Task Patch(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.instances.update");
        var project = state.GetProject(instance.ProjectId);
        var body = await context.ReadBodyAsync(CloudSqlSchemas.DatabaseInstance);
        CloudSqlAccess.RequireIdle(state, instance);
        string version;
        JsonObject settings;
        lock (state.Gate)
        {
            version = body["databaseVersion"]?.GetValue<string>() ?? instance.DatabaseVersion;
            settings = CloudSqlSettings.Merge(instance.Settings, body["settings"] as JsonObject ?? new JsonObject());
            CloudSqlSettings.NormalizeNetwork(settings);
            if (body["settings"]?["settingsVersion"] is JsonNode sent && sent.ToString() != instance.SettingsVersion.ToString())
            {
                throw CloudSqlErrors.Create(412, "FAILED_PRECONDITION", "conditionNotMet", "Precondition check failed.");
            }
            CheckChange(instance, version, settings);
        }
        CloudSqlSettings.Validate(settings);
        var privateRange = CloudSqlPrivateIp.CheckNetwork(state, project, settings);
        var operation = CloudSqlOperations.Start(context, state, instance, "UPDATE", "sql.instances.update", () =>
        {
            if (privateRange is not null && instance.PrivateIp is null)
            {
                instance.PrivateIp = CloudSqlPrivateIp.Allocate(state, project, privateRange);
            }
            instance.DatabaseVersion = version;
            settings.Remove("settingsVersion");
            instance.Settings = settings;
            instance.SettingsVersion++;
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    /// <summary>What a patch may not do: downgrade the major version or the edition, or move the private network.</summary>
    private static void CheckChange(SqlInstance instance, string version, JsonObject settings)
    {
        CloudSqlSettings.CheckVersion(version);
        if (CloudSqlSettings.Major(version) < CloudSqlSettings.Major(instance.DatabaseVersion))
        {
            throw CloudSqlErrors.Invalid(
                $"Downgrading the database version from {instance.DatabaseVersion} to {version} is not supported.");
        }
        var currentEdition = instance.Settings["edition"]!.GetValue<string>();
        if (currentEdition == "ENTERPRISE_PLUS" && settings["edition"]?.GetValue<string>() == "ENTERPRISE")
        {
            throw CloudSqlErrors.Invalid("Downgrading the edition from ENTERPRISE_PLUS to ENTERPRISE is not supported.");
        }
        var network = instance.Settings["ipConfiguration"]?["privateNetwork"]?.GetValue<string>();
        var newNetwork = settings["ipConfiguration"]?["privateNetwork"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(network) && newNetwork != network)
        {
            throw CloudSqlErrors.Invalid("The private network of an instance cannot be changed.");
        }
    }

    private static async Task Delete(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.instances.delete");
        var finalBackup = FinalBackupRequest.From(context, state.Clock.GetUtcNow());
        lock (state.Gate)
        {
            if (instance.DeletionProtected)
            {
                throw CloudSqlErrors.Create(400, "FAILED_PRECONDITION", "deletionProtectionEnabled",
                    "The instance is protected from deletion. Please disable deletion protection on the instance " +
                    "(settings.deletionProtectionEnabled) and try again.");
            }
            if (instance.BusyWith is not null)
            {
                throw CloudSqlErrors.InProgress();
            }
        }
        var operation = CloudSqlOperations.Start(context, state, instance, "DELETE", "sql.instances.delete", () =>
        {
            var sql = state.ApiState<CloudSqlState>();
            sql.Instances.Remove((instance.ProjectId, instance.Name));
            var now = state.Clock.GetUtcNow();
            if (sql.ProducerHoldAfterDelete > TimeSpan.Zero
                && CloudSqlSettings.ParseNetwork(instance.Settings["ipConfiguration"]?["privateNetwork"]?.GetValue<string>() ?? "") is { } network)
            {
                sql.ProducerHolds.Add(new ProducerHold(state.FindProject(network.Project)?.ProjectId ?? network.Project, network.Network,
                    instance.Name, now + sql.ProducerHoldAfterDelete));
            }
            if (finalBackup.Enabled)
            {
                sql.Backups.Add(new SqlBackup(instance.ProjectId, NewBackupId(now), instance.Name, "FINAL",
                    instance.DatabaseVersion, now, finalBackup.Expires, finalBackup.Description));
            }
            var backups = instance.Settings["backupConfiguration"]!;
            if (instance.Settings["retainBackupsOnDelete"]?.GetValue<bool>() == true && backups["enabled"]!.GetValue<bool>())
            {
                sql.Backups.Add(new SqlBackup(instance.ProjectId, NewBackupId(now), instance.Name, "AUTOMATED",
                    instance.DatabaseVersion, now, null, "Automated backup retained on delete"));
            }
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static Task ListBackups(HttpContext context, EmulatorState state)
    {
        var project = CloudSqlAccess.Project(context, state, "cloudsql.backupRuns.list");
        var body = new JsonObject();
        lock (state.Gate)
        {
            var backups = state.ApiState<CloudSqlState>().Backups.Where(b => b.ProjectId == project.ProjectId)
                .Select(b => (JsonNode?)CloudSqlJson.Backup(b)).ToArray();
            if (backups.Length > 0)
            {
                body["backups"] = new JsonArray(backups);
            }
        }
        return context.WriteJsonAsync(body);
    }

    private static string NewBackupId(DateTimeOffset now) =>
        now.ToUnixTimeMilliseconds().ToString() + Random.Shared.Next(100, 999);

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,96}[a-z0-9])?$")]
    private static partial Regex InstanceNamePattern();

    /// <summary>The final-backup query parameters of a delete.</summary>
    private sealed record FinalBackupRequest(bool Enabled, DateTimeOffset? Expires, string? Description)
    {
        public static FinalBackupRequest From(HttpContext context, DateTimeOffset now)
        {
            var enabled = context.Query("enableFinalBackup") == "true";
            if (enabled && context.Query("skipFinalBackup") == "true")
            {
                throw CloudSqlErrors.Invalid("enableFinalBackup and skipFinalBackup cannot both be set.");
            }
            var ttl = context.Query("finalBackupTtlDays");
            var expiry = context.Query("finalBackupExpiryTime");
            if (!enabled)
            {
                return new FinalBackupRequest(false, null, null);
            }
            if (ttl is not null && expiry is not null)
            {
                throw CloudSqlErrors.Invalid("Only one of finalBackupTtlDays and finalBackupExpiryTime can be set.");
            }
            DateTimeOffset expires;
            if (ttl is not null)
            {
                if (!int.TryParse(ttl, out var days) || days < 1 || days > 365)
                {
                    throw CloudSqlErrors.Invalid("finalBackupTtlDays must be between 1 and 365.");
                }
                expires = now.AddDays(days);
            }
            else if (expiry is not null)
            {
                expires = DateTimeOffset.TryParse(expiry, out var parsed)
                    ? parsed
                    : throw CloudSqlErrors.Invalid($"Invalid finalBackupExpiryTime: {expiry}.");
            }
            else
            {
                expires = now.AddDays(30);
            }
            return new FinalBackupRequest(true, expires, context.Query("finalBackupDescription"));
        }
    }
}
