using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>A Cloud SQL instance. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class SqlInstance
{
    public required string ProjectId { get; init; }
    public required string Name { get; init; }
    public required string Region { get; init; }
    public required string Zone { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required SqlServerCa ServerCa { get; init; }
    public required string DatabaseVersion { get; set; }

    /// <summary>The settings as sent, with Google's defaults filled in.</summary>
    public required JsonObject Settings { get; set; }

    /// <summary>PENDING_CREATE until the create operation completes, then RUNNABLE.</summary>
    public string State { get; set; } = "PENDING_CREATE";

    public string? PrivateIp { get; set; }
    public long SettingsVersion { get; set; } = 1;

    /// <summary>The operation working on the instance; another change waits for it (409 operationInProgress).</summary>
    public string? BusyWith { get; set; }

    public Dictionary<string, SqlDatabase> Databases { get; } = new(StringComparer.Ordinal);
    public List<SqlUser> Users { get; } = new();

    public bool DeletionProtected => Settings["deletionProtectionEnabled"]?.GetValue<bool>() == true;
}

public sealed record SqlDatabase(string Name, string Charset, string Collation);

/// <summary>A MySQL user. Only a salted hash of the password is kept; reads never show it.</summary>
public sealed class SqlUser
{
    private const int Iterations = 10_000;
    private byte[] salt = Array.Empty<byte>();
    private byte[] hash = Array.Empty<byte>();

    public SqlUser(string name, string host)
    {
        Name = name;
        Host = host;
    }

    public string Name { get; }
    public string Host { get; }
    public bool HasPassword => hash.Length > 0;

    public void SetPassword(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            salt = hash = Array.Empty<byte>();
            return;
        }
        salt = RandomNumberGenerator.GetBytes(16);
        hash = Derive(password, salt);
    }

    public bool PasswordMatches(string candidate) =>
        HasPassword && CryptographicOperations.FixedTimeEquals(hash, Derive(candidate, salt));

    private static byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
}

/// <summary>The instance's server CA: a real self-signed certificate made when the instance is created.</summary>
public sealed record SqlServerCa(string Pem, string CommonName, string Sha1Fingerprint, string SerialNumber,
    DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>A backup kept by Cloud SQL: FINAL (taken on delete) or AUTOMATED (retained on delete).</summary>
public sealed record SqlBackup(
    string ProjectId, string Id, string Instance, string Type, string DatabaseVersion, DateTimeOffset Created,
    DateTimeOffset? Expires, string? Description);

/// <summary>Cloud SQL Admin's state: instances (with their databases and users) and the backups kept after deletes.</summary>
public sealed class CloudSqlState : IDumpableState
{
    public Dictionary<(string Project, string Name), SqlInstance> Instances { get; } = new();
    public List<SqlBackup> Backups { get; } = new();

    /// <summary>
    /// Named switch: <c>instances.get</c> of a missing instance answers 403 "The client is not authorized to make
    /// this request." as Google sometimes does, instead of 404.
    /// </summary>
    public bool MissingInstanceAnswers403 { get; set; }

    /// <summary>
    /// How long the producer side of the private services connection stays in use after an instance is deleted.
    /// Google keeps the service producer's resources for up to about four days ("Cloud SQL private IP" docs;
    /// terraform-provider-google #16275, #19908): until then deleteConnection fails with FAILED_PRECONDITION.
    /// </summary>
    public TimeSpan ProducerHoldAfterDelete { get; set; } = DefaultProducerHold;

    public static readonly TimeSpan DefaultProducerHold = TimeSpan.FromDays(4);

    /// <summary>Networks still used by the producer of a deleted instance, until the time given.</summary>
    public List<ProducerHold> ProducerHolds { get; } = new();

    public JsonNode Dump() => new JsonObject
    {
        ["instances"] = new JsonArray(Instances.Values.Select(i => (JsonNode?)new JsonObject
        {
            ["name"] = $"{i.ProjectId}/{i.Name}",
            ["state"] = i.State,
            ["databaseVersion"] = i.DatabaseVersion,
            ["privateIp"] = i.PrivateIp,
            ["databases"] = new JsonArray(i.Databases.Keys.Select(d => (JsonNode?)d).ToArray()),
            ["users"] = new JsonArray(i.Users.Select(u => (JsonNode?)$"{u.Name}@{u.Host}").ToArray()),
        }).ToArray()),
        ["backups"] = new JsonArray(Backups.Select(b => (JsonNode?)$"{b.ProjectId}/{b.Instance} {b.Type} {b.Id}").ToArray()),
        ["missingInstanceAnswers403"] = MissingInstanceAnswers403,
        ["producerHolds"] = new JsonArray(ProducerHolds.Select(h => (JsonNode?)$"{h.Project}/{h.Network} until {h.Until:O}").ToArray()),
    };
}

/// <summary>A deleted instance's producer resources, still on the consumer network until <see cref="Until"/>.</summary>
public sealed record ProducerHold(string Project, string Network, string Instance, DateTimeOffset Until);

/// <summary>Test-facing reads of the Cloud SQL state.</summary>
public static class CloudSqlStateExtensions
{
    /// <summary>Whether <paramref name="password"/> is the password of the user (any host) on the instance.</summary>
    public static bool SqlUserPasswordMatches(this EmulatorState state, string project, string instance, string user, string password)
    {
        lock (state.Gate)
        {
            var projectId = state.FindProject(project)?.ProjectId ?? project;
            return state.ApiState<CloudSqlState>().Instances.TryGetValue((projectId, instance), out var found)
                && found.Users.Any(u => u.Name == user && u.PasswordMatches(password));
        }
    }
}
