using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Databases and users of a Cloud SQL instance; every change is a sql#operation.</summary>
public static class CloudSqlDatabasesAndUsers
{
    /// <summary>What MySQL has before anyone creates a database; Google lists them too.</summary>
    private static readonly string[] SystemDatabases = { "information_schema", "mysql", "performance_schema", "sys" };

    public static void Map(RouteGroupBuilder project, EmulatorState state)
    {
        var databases = project.MapGroup("/instances/{instance}/databases");
        databases.MapGet("", context => ListDatabases(context, state));
        databases.MapPost("", context => InsertDatabase(context, state));
        databases.MapGet("/{database}", context => GetDatabase(context, state));
        databases.MapDelete("/{database}", context => DeleteDatabase(context, state));

        var users = project.MapGroup("/instances/{instance}/users");
        users.MapGet("", context => ListUsers(context, state));
        users.MapPost("", context => InsertUser(context, state));
        users.MapPut("", context => UpdateUser(context, state));
        users.MapDelete("", context => DeleteUser(context, state));
    }

    private static Task ListDatabases(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.databases.list");
        var apiBase = CloudSqlOperations.ApiBase(context, state);
        lock (state.Gate)
        {
            var items = SystemDatabases.Select(d => new SqlDatabase(d, "utf8mb3", "utf8mb3_general_ci"))
                .Concat(instance.Databases.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
                .Select(d => (JsonNode?)CloudSqlJson.Database(instance, d, apiBase))
                .ToArray();
            return context.WriteJsonAsync(new JsonObject { ["kind"] = "sql#databasesList", ["items"] = new JsonArray(items) });
        }
    }

    private static Task GetDatabase(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.databases.get");
        lock (state.Gate)
        {
            var database = instance.Databases.TryGetValue(context.Route("database"), out var found) ? found : throw DatabaseMissing();
            return context.WriteJsonAsync(CloudSqlJson.Database(instance, database, CloudSqlOperations.ApiBase(context, state)));
        }
    }

    private static async Task InsertDatabase(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.databases.create");
        var body = await context.ReadBodyAsync(CloudSqlSchemas.Database);
        CloudSqlAccess.RequireIdle(state, instance);
        var name = body["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            throw CloudSqlErrors.Invalid("Database name must be 1 to 64 characters.");
        }
        var charset = body["charset"]?.GetValue<string>() ?? "utf8mb4";
        var collation = body["collation"]?.GetValue<string>() ?? (charset == "utf8mb4" ? "utf8mb4_0900_ai_ci" : charset + "_general_ci");
        if (!collation.StartsWith(charset + "_", StringComparison.Ordinal))
        {
            throw CloudSqlErrors.Invalid($"Collation '{collation}' is not valid for character set '{charset}'.");
        }
        lock (state.Gate)
        {
            if (instance.Databases.ContainsKey(name) || SystemDatabases.Contains(name))
            {
                throw CloudSqlErrors.Create(409, "ALREADY_EXISTS", "alreadyExists", $"Database \"{name}\" already exists.");
            }
        }
        var operation = CloudSqlOperations.Start(context, state, instance, "CREATE_DATABASE", "sql.databases.insert", () =>
        {
            instance.Databases[name] = new SqlDatabase(name, charset, collation);
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static async Task DeleteDatabase(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.databases.delete");
        var name = context.Route("database");
        CloudSqlAccess.RequireIdle(state, instance);
        lock (state.Gate)
        {
            if (!instance.Databases.ContainsKey(name))
            {
                throw DatabaseMissing();
            }
        }
        var operation = CloudSqlOperations.Start(context, state, instance, "DELETE_DATABASE", "sql.databases.delete", () =>
        {
            instance.Databases.Remove(name);
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static Task ListUsers(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.users.list");
        lock (state.Gate)
        {
            var items = instance.Users.Select(u => (JsonNode?)CloudSqlJson.User(instance, u)).ToArray();
            return context.WriteJsonAsync(new JsonObject { ["kind"] = "sql#usersList", ["items"] = new JsonArray(items) });
        }
    }

    private static async Task InsertUser(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.users.create");
        var body = await context.ReadBodyAsync(CloudSqlSchemas.User);
        CloudSqlAccess.RequireIdle(state, instance);
        var name = body["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) || name.Length > 32)
        {
            throw CloudSqlErrors.Invalid("User name must be 1 to 32 characters for MySQL.");
        }
        var host = body["host"]?.GetValue<string>() ?? "%";
        var password = body["password"]?.GetValue<string>();
        lock (state.Gate)
        {
            if (instance.Users.Any(u => u.Name == name && u.Host == host))
            {
                throw CloudSqlErrors.Create(409, "ALREADY_EXISTS", "alreadyExists", $"User '{name}'@'{host}' already exists.");
            }
        }
        var operation = CloudSqlOperations.Start(context, state, instance, "CREATE_USER", "sql.users.insert", () =>
        {
            var user = new SqlUser(name, host);
            user.SetPassword(password);
            instance.Users.Add(user);
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    /// <summary>PUT users?name=&amp;host=: sets the password.</summary>
    private static async Task UpdateUser(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.users.update");
        var body = await context.ReadBodyAsync(CloudSqlSchemas.User);
        CloudSqlAccess.RequireIdle(state, instance);
        var user = FindUser(context, state, instance);
        var password = body["password"]?.GetValue<string>();
        var operation = CloudSqlOperations.Start(context, state, instance, "UPDATE_USER", "sql.users.update", () =>
        {
            user.SetPassword(password);
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static async Task DeleteUser(HttpContext context, EmulatorState state)
    {
        var instance = CloudSqlAccess.Instance(context, state, "cloudsql.users.delete");
        CloudSqlAccess.RequireIdle(state, instance);
        var user = FindUser(context, state, instance);
        var operation = CloudSqlOperations.Start(context, state, instance, "DELETE_USER", "sql.users.delete", () =>
        {
            instance.Users.Remove(user);
            return null;
        });
        await CloudSqlOperations.WriteAsync(context, state, operation);
    }

    private static SqlUser FindUser(HttpContext context, EmulatorState state, SqlInstance instance)
    {
        var name = context.Query("name");
        if (string.IsNullOrEmpty(name))
        {
            throw CloudSqlErrors.Create(400, "INVALID_ARGUMENT", "required", "Missing parameter: name.");
        }
        var host = context.Query("host") ?? "%";
        lock (state.Gate)
        {
            return instance.Users.FirstOrDefault(u => u.Name == name && u.Host == host)
                ?? throw CloudSqlErrors.Create(404, "NOT_FOUND", "userDoesNotExist", $"The user '{name}'@'{host}' does not exist.");
        }
    }

    private static GoogleApiError DatabaseMissing() =>
        CloudSqlErrors.Create(404, "NOT_FOUND", "notFound", "The database does not exist.");
}
