using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Secret Manager's names (by project number) and read views of secrets and versions.</summary>
public static class SecretManagerViews
{
    public static string SecretName(ProjectState project, string secretId) => $"projects/{project.ProjectNumber}/secrets/{secretId}";

    public static string VersionName(ProjectState project, SecretRecord secret, SecretVersionRecord version) =>
        $"{SecretName(project, secret.SecretId)}/versions/{version.Number}";

    public static string VersionEtag(SecretVersionRecord version) =>
        $"\"{version.Created.ToUnixTimeMilliseconds() * 1000 + version.State.Length:x}\"";

    public static JsonObject SecretJson(ProjectState project, SecretRecord secret)
    {
        var json = new JsonObject
        {
            ["name"] = SecretName(project, secret.SecretId),
            ["replication"] = secret.Replication.DeepClone(),
            ["createTime"] = Timestamp(secret.Created),
            ["etag"] = secret.Etag,
        };
        if (secret.Labels.Count > 0)
        {
            json["labels"] = new JsonObject(secret.Labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value)));
        }
        if (secret.Annotations.Count > 0)
        {
            json["annotations"] = new JsonObject(secret.Annotations.Select(a => new KeyValuePair<string, JsonNode?>(a.Key, a.Value)));
        }
        return json;
    }

    public static JsonObject VersionJson(ProjectState project, SecretRecord secret, SecretVersionRecord version)
    {
        var json = new JsonObject
        {
            ["name"] = VersionName(project, secret, version),
            ["createTime"] = Timestamp(version.Created),
            ["state"] = version.State,
            ["replicationStatus"] = secret.Replication["automatic"] is not null
                ? new JsonObject { ["automatic"] = new JsonObject() }
                : new JsonObject { ["userManaged"] = new JsonObject() },
            ["etag"] = VersionEtag(version),
        };
        if (version.ClientChecksum)
        {
            json["clientSpecifiedPayloadChecksum"] = true;
        }
        if (version.Destroyed is { } destroyed)
        {
            json["destroyTime"] = Timestamp(destroyed);
        }
        return json;
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
}
