using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Auth;
using static OneClickMlflow.Emulator.Apis.MlflowStandIn;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// MLflow's proxied artifact API as a server started with <c>--serve-artifacts --artifacts-destination gs://...</c>
/// answers it (mlflow/server/handlers.py), on the emulated bucket: <c>/api/2.0/mlflow-artifacts/artifacts</c> (list with
/// <c>?path=</c>, GET and PUT of a file), the tracking API's <c>artifacts/list</c>, the UI's <c>/get-artifact</c>, and the
/// multipart uploads <c>mpu/create|complete|abort/&lt;path&gt;</c>. A multipart upload starts an XML API upload in the
/// bucket as the server's account and hands out one V4 signed URL per part, signed with that account's key through
/// IAM signBlob (so the account needs iam.serviceAccounts.signBlob on itself): the parts go to the bucket directly.
/// Multipart is served when the version sets MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true (the image then gives its
/// storage client signing credentials); otherwise the answer is MLflow's 501 for a repository that cannot, and
/// clients fall back to one PUT.
/// </summary>
public static class MlflowArtifactsApi
{
    private const string ArtifactsPrefix = "/api/2.0/mlflow-artifacts/artifacts";
    private const string MultipartPrefix = "/api/2.0/mlflow-artifacts/mpu/";
    private static readonly TimeSpan SignedUrlLifetime = TimeSpan.FromMinutes(60); // gcs_artifact_repo.py: expiration=60 minutes

    /// <summary>Serves the request when it is an artifact call; false for any other path.</summary>
    public static async Task<bool> TryServe(HttpContext context, EmulatorState state, MlflowTracking tracking, string path, MlflowServerSettings server)
    {
        var method = context.Request.Method;
        if (path == ArtifactsPrefix && method == "GET")
        {
            var directory = SafePath(context.Request.Query["path"].ToString());
            var files = List(state, server, directory).Select(f => f with { Path = f.Path[(f.Path.LastIndexOf('/') + 1)..] });
            await Write(context, 200, FilesJson(files));
            return true;
        }
        if (path.StartsWith(ArtifactsPrefix + "/", StringComparison.Ordinal))
        {
            var artifact = SafePath(Uri.UnescapeDataString(path[(ArtifactsPrefix.Length + 1)..]));
            if (method == "GET")
            {
                await Download(context, state, server, artifact);
                return true;
            }
            if (method == "PUT")
            {
                await Upload(context, state, server, artifact);
                await Write(context, 200, new JsonObject());
                return true;
            }
        }
        if ((path is "/api/2.0/mlflow/artifacts/list" or "/ajax-api/2.0/mlflow/artifacts/list") && method == "GET")
        {
            MlflowRun run;
            lock (state.Gate)
            {
                run = MlflowTrackingApi.ExistingRun(tracking, MlflowTrackingApi.RunId(context, null));
            }
            var root = RunRoot(run);
            var relative = SafePath(context.Request.Query["path"].ToString());
            var files = List(state, server, Join(root, relative)).Select(f => f with { Path = f.Path[(root.Length + 1)..] });
            var answer = FilesJson(files);
            answer["root_uri"] = MlflowTrackingApi.ArtifactUri(run);
            await Write(context, 200, answer);
            return true;
        }
        if (path == "/get-artifact" && method == "GET")
        {
            MlflowRun run;
            lock (state.Gate)
            {
                run = MlflowTrackingApi.ExistingRun(tracking, MlflowTrackingApi.RunId(context, null));
            }
            await Download(context, state, server, Join(RunRoot(run), SafePath(context.Request.Query["path"].ToString())));
            return true;
        }
        if (path.StartsWith(MultipartPrefix, StringComparison.Ordinal) && method == "POST")
        {
            var rest = path[MultipartPrefix.Length..];
            var slash = rest.IndexOf('/');
            var verb = slash < 0 ? rest : rest[..slash];
            var directory = SafePath(slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]));
            var body = await ReadBody(context) ?? new JsonObject();
            var fileName = body["path"]?.ToString() is { Length: > 0 } name ? name : throw MlflowError.Missing("path");
            if (!server.MultipartUploads)
            {
                // _UnsupportedMultipartUploadException (mlflow/exceptions.py): the client falls back to one PUT.
                throw new MlflowError(501, "NOT_IMPLEMENTED", "Multipart upload is not supported for the current artifact repository");
            }
            var objectName = ObjectName(server, Join(directory, Path.GetFileName(fileName.Replace('\\', '/'))));
            var answer = verb switch
            {
                "create" => CreateMultipart(state, server, objectName, MlflowStandIn.Long(body["num_parts"]?.ToString(), "num_parts") ?? 1),
                "complete" => CompleteMultipart(state, server, body),
                "abort" => AbortMultipart(state, server, body),
                _ => throw new MlflowError(404, "ENDPOINT_NOT_FOUND", $"No endpoint {method} {path}."),
            };
            if (answer is null)
            {
                await InternalServerError(context);
                return true;
            }
            await Write(context, 200, answer);
            return true;
        }
        return false;
    }

    private static JsonObject? CreateMultipart(EmulatorState state, MlflowServerSettings server, (string Bucket, string Object) target, long parts)
    {
        var account = server.ServiceAccount is null ? null : state.FindServiceAccount(server.ServiceAccount);
        // google-auth's impersonated credentials sign through IAM signBlob as the server's own account.
        if (account is null || !state.HasPermission(Principal.ServiceAccount(account.Email), account, "iam.serviceAccounts.signBlob"))
        {
            return null;
        }
        var (uploadId, error) = StorageXmlApi.Initiate(state, Principal.ServiceAccount(account.Email), target.Bucket, target.Object, "application/octet-stream");
        if (error is not null)
        {
            return null;
        }
        var key = state.Keys.ManagedKeyFor(account.Email);
        var credentials = new JsonArray();
        for (var part = 1; part <= parts; part++)
        {
            credentials.Add(new JsonObject
            {
                ["url"] = StorageSignedUrl.Sign(state, key, "PUT", target.Bucket, target.Object,
                    new Dictionary<string, string> { ["partNumber"] = part.ToString(System.Globalization.CultureInfo.InvariantCulture), ["uploadId"] = uploadId! },
                    SignedUrlLifetime),
                ["part_number"] = part,
            });
        }
        return new JsonObject { ["credentials"] = credentials, ["upload_id"] = uploadId };
    }

    private static JsonObject? CompleteMultipart(EmulatorState state, MlflowServerSettings server, JsonObject body)
    {
        var uploadId = body["upload_id"]?.ToString() ?? "";
        var parts = (body["parts"] as JsonArray ?? throw MlflowError.Missing("parts"))
            .Select(p => ((int)(MlflowStandIn.Long(p?["part_number"]?.ToString(), "part_number") ?? 0), p?["etag"]?.ToString() ?? "")).ToList();
        return StorageXmlApi.Complete(state, ServerPrincipal(server), uploadId, parts) is null ? new JsonObject() : null;
    }

    private static JsonObject? AbortMultipart(EmulatorState state, MlflowServerSettings server, JsonObject body) =>
        StorageXmlApi.Abort(state, ServerPrincipal(server), body["upload_id"]?.ToString() ?? "") is null ? new JsonObject() : null;

    private static Principal? ServerPrincipal(MlflowServerSettings server) =>
        server.ServiceAccount is null ? null : Principal.ServiceAccount(server.ServiceAccount);

    private static async Task Upload(HttpContext context, EmulatorState state, MlflowServerSettings server, string artifact)
    {
        var (bucketName, objectName) = ObjectName(server, artifact);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        lock (state.Gate)
        {
            var bucket = Bucket(state, bucketName);
            bucket.Objects[objectName] = new StorageObject
            {
                Name = objectName,
                Generation = state.ApiState<StorageState>().NewGeneration(),
                Content = buffer.ToArray(),
                ContentType = context.Request.ContentType ?? "application/octet-stream",
                Created = state.Clock.GetUtcNow(),
            };
        }
    }

    private static async Task Download(HttpContext context, EmulatorState state, MlflowServerSettings server, string artifact)
    {
        var (bucketName, objectName) = ObjectName(server, artifact);
        StorageObject? stored;
        lock (state.Gate)
        {
            stored = Bucket(state, bucketName).Objects.GetValueOrDefault(objectName);
        }
        if (stored is null)
        {
            throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"No such file or directory: '{artifact}'");
        }
        context.Response.ContentType = stored.ContentType;
        context.Response.ContentLength = stored.Content.Length;
        context.Response.Headers.ContentDisposition = $"attachment; filename={Path.GetFileName(objectName)}";
        await context.Response.Body.WriteAsync(stored.Content, context.RequestAborted);
    }

    private sealed record FileEntry(string Path, bool IsDir, long? Size);

    /// <summary>The files and folders right under <paramref name="directory"/> (paths relative to the destination).</summary>
    private static List<FileEntry> List(EmulatorState state, MlflowServerSettings server, string directory)
    {
        var (bucketName, prefix) = ObjectName(server, directory);
        var under = prefix.Length == 0 ? "" : prefix.TrimEnd('/') + "/";
        var root = ObjectName(server, "").Object;
        var rootLength = root.Length == 0 ? 0 : root.TrimEnd('/').Length + 1;
        lock (state.Gate)
        {
            var entries = new SortedDictionary<string, FileEntry>(StringComparer.Ordinal);
            foreach (var stored in Bucket(state, bucketName).Objects.Values.Where(o => o.Name.StartsWith(under, StringComparison.Ordinal)))
            {
                var rest = stored.Name[under.Length..];
                var slash = rest.IndexOf('/');
                var relative = (under + (slash < 0 ? rest : rest[..slash]))[rootLength..];
                entries[relative] = slash < 0 ? new FileEntry(relative, false, stored.Content.Length) : new FileEntry(relative, true, null);
            }
            return entries.Values.ToList();
        }
    }

    private static JsonObject FilesJson(IEnumerable<FileEntry> files)
    {
        var list = files.Select(f =>
        {
            var entry = new JsonObject { ["path"] = f.Path, ["is_dir"] = f.IsDir };
            if (f.Size is { } size)
            {
                entry["file_size"] = size;
            }
            return (JsonNode?)entry;
        }).ToArray();
        return list.Length == 0 ? new JsonObject() : new JsonObject { ["files"] = new JsonArray(list) };
    }

    private static string RunRoot(MlflowRun run) => $"{run.ExperimentId}/{run.RunId}/artifacts";

    private static string Join(string directory, string name) =>
        directory.Length == 0 ? name : name.Length == 0 ? directory : directory.TrimEnd('/') + "/" + name;

    /// <summary>mlflow.utils.uri.validate_path_is_safe: no traversal, no absolute or Windows-style paths.</summary>
    private static string SafePath(string path)
    {
        var parts = path.Split('/');
        if (path.StartsWith('/') || path.Contains('\\') || path.Contains(':') || parts.Any(p => p is ".." or "."))
        {
            throw MlflowError.InvalidParameter($"Invalid path: {path}");
        }
        return path.Trim('/');
    }

    /// <summary>Where an artifact path lies in the bucket: under the destination's prefix.</summary>
    private static (string Bucket, string Object) ObjectName(MlflowServerSettings server, string artifact)
    {
        var destination = server.ArtifactDestination is { } d && d.StartsWith("gs://", StringComparison.Ordinal) ? d["gs://".Length..]
            : throw new MlflowError(503, "TEMPORARILY_UNAVAILABLE", "The serving version sets no gs:// ARTIFACT_DESTINATION.");
        var slash = destination.IndexOf('/');
        var bucket = slash < 0 ? destination : destination[..slash];
        var prefix = slash < 0 ? "" : destination[(slash + 1)..].Trim('/');
        return (bucket, Join(prefix, artifact));
    }

    private static StorageBucket Bucket(EmulatorState state, string name) =>
        state.ApiState<StorageState>().Buckets.GetValueOrDefault(name)
        ?? throw new MlflowError(503, "TEMPORARILY_UNAVAILABLE", $"The artifacts bucket {name} does not exist.");

    /// <summary>What Flask answers for an exception that is not an MlflowException (a failed Google call in the repository).</summary>
    private static Task InternalServerError(HttpContext context)
    {
        context.Response.StatusCode = 500;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync("<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n" +
            "<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n",
            context.RequestAborted);
    }
}
