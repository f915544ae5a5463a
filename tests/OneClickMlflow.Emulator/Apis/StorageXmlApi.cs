using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>An XML API error (https://cloud.google.com/storage/docs/xml-api/reference-status): code, message and details.</summary>
public sealed record StorageXmlError(int Status, string Code, string Message, string? Details = null)
{
    public static StorageXmlError Invalid(string details) => new(400, "InvalidArgument", "Invalid argument.", details);

    public Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/xml; charset=UTF-8";
        var error = new XElement("Error", new XElement("Code", Code), new XElement("Message", Message));
        if (Details is not null)
        {
            error.Add(new XElement("Details", Details));
        }
        return context.Response.WriteAsync("<?xml version='1.0' encoding='UTF-8'?>" + error.ToString(SaveOptions.DisableFormatting), context.RequestAborted);
    }
}

/// <summary>A multipart upload in progress: its object and the parts uploaded so far.</summary>
public sealed class MultipartUpload
{
    public required string UploadId { get; init; }
    public required string Bucket { get; init; }
    public required string ObjectName { get; init; }
    public required string ContentType { get; init; }
    public SortedDictionary<int, (byte[] Content, string ETag)> Parts { get; } = new();
}

/// <summary>The multipart uploads in progress, by upload id. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class StorageUploadsState : IDumpableState
{
    public Dictionary<string, MultipartUpload> Uploads { get; } = new(StringComparer.Ordinal);

    public JsonNode Dump() => new JsonArray(Uploads.Values.Select(u => (JsonNode?)$"{u.Bucket}/{u.ObjectName} ({u.Parts.Count} parts)").ToArray());
}

/// <summary>
/// Cloud Storage's XML API at <c>/storage/{bucket}/{object}</c> (storage.googleapis.com/{bucket}/{object}), as far as
/// MLflow's direct uploads use it: XML multipart uploads (https://cloud.google.com/storage/docs/multipart-uploads:
/// POST <c>?uploads</c>, PUT <c>?partNumber=N&amp;uploadId=U</c>, POST <c>?uploadId=U</c> with the part list, DELETE
/// <c>?uploadId=U</c>), a single PUT and GET of an object. Each call is authorised by a bearer token or by a V4
/// signed URL (<see cref="StorageSignedUrl"/>) whose signer holds the permission on the bucket.
/// </summary>
public static class StorageXmlApi
{
    public const string PathPrefix = "storage";
    private const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapPost("/storage/{bucket}/{**object}", context => Post(context, state));
        routes.MapPut("/storage/{bucket}/{**object}", context => Put(context, state));
        routes.MapDelete("/storage/{bucket}/{**object}", context => Delete(context, state));
        routes.MapGet("/storage/{bucket}/{**object}", context => Get(context, state));
    }

    /// <summary>Starts a multipart upload as <paramref name="caller"/> (who needs storage.objects.create on the bucket).</summary>
    public static (string? UploadId, StorageXmlError? Error) Initiate(EmulatorState state, Principal? caller, string bucketName, string objectName, string contentType)
    {
        if (Authorize(state, caller, bucketName, "storage.objects.create") is { } refusal)
        {
            return (null, refusal);
        }
        var id = "ABPnzm" + TokenStore.Base64Url(RandomNumberGenerator.GetBytes(24));
        lock (state.Gate)
        {
            state.ApiState<StorageUploadsState>().Uploads[id] = new MultipartUpload { UploadId = id, Bucket = bucketName, ObjectName = objectName, ContentType = contentType };
        }
        return (id, null);
    }

    /// <summary>Joins the listed parts into the object, in part number order; each must have been uploaded with that ETag.</summary>
    public static StorageXmlError? Complete(EmulatorState state, Principal? caller, string uploadId, IReadOnlyList<(int Number, string ETag)> parts)
    {
        MultipartUpload? upload;
        lock (state.Gate)
        {
            upload = state.ApiState<StorageUploadsState>().Uploads.GetValueOrDefault(uploadId);
        }
        if (upload is null)
        {
            return NoSuchUpload();
        }
        if (Authorize(state, caller, upload.Bucket, "storage.objects.create") is { } refusal)
        {
            return refusal;
        }
        if (parts.Count == 0)
        {
            return new StorageXmlError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
        }
        lock (state.Gate)
        {
            for (var i = 0; i < parts.Count; i++)
            {
                if (i > 0 && parts[i].Number <= parts[i - 1].Number)
                {
                    return new StorageXmlError(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
                }
                if (!upload.Parts.TryGetValue(parts[i].Number, out var stored) || stored.ETag.Trim('"') != parts[i].ETag.Trim('"'))
                {
                    return new StorageXmlError(400, "InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.");
                }
            }
            var content = new byte[parts.Sum(p => (long)upload.Parts[p.Number].Content.Length)];
            var offset = 0;
            foreach (var part in parts)
            {
                var bytes = upload.Parts[part.Number].Content;
                Buffer.BlockCopy(bytes, 0, content, offset, bytes.Length);
                offset += bytes.Length;
            }
            var bucket = state.ApiState<StorageState>().Buckets[upload.Bucket];
            bucket.Objects[upload.ObjectName] = new StorageObject
            {
                Name = upload.ObjectName,
                Generation = state.ApiState<StorageState>().NewGeneration(),
                Content = content,
                ContentType = upload.ContentType,
                Created = state.Clock.GetUtcNow(),
            };
            state.ApiState<StorageUploadsState>().Uploads.Remove(uploadId);
        }
        return null;
    }

    public static StorageXmlError? Abort(EmulatorState state, Principal? caller, string uploadId)
    {
        MultipartUpload? upload;
        lock (state.Gate)
        {
            upload = state.ApiState<StorageUploadsState>().Uploads.GetValueOrDefault(uploadId);
        }
        if (upload is null)
        {
            return NoSuchUpload();
        }
        if (Authorize(state, caller, upload.Bucket, "storage.objects.delete") is { } refusal)
        {
            return refusal;
        }
        lock (state.Gate)
        {
            state.ApiState<StorageUploadsState>().Uploads.Remove(uploadId);
        }
        return null;
    }

    private static async Task Post(HttpContext context, EmulatorState state)
    {
        var (bucket, name) = Target(context);
        var query = context.Request.Query;
        var caller = await CallerAsync(context, state, bucket, name);
        if (caller.Error is not null)
        {
            await caller.Error.WriteAsync(context);
            return;
        }
        if (query.ContainsKey("uploads"))
        {
            var (id, error) = Initiate(state, caller.Principal, bucket, name, context.Request.ContentType ?? "application/octet-stream");
            if (error is not null)
            {
                await error.WriteAsync(context);
                return;
            }
            await WriteXml(context, new XElement(XName.Get("InitiateMultipartUploadResult", S3Namespace),
                new XElement(XName.Get("Bucket", S3Namespace), bucket), new XElement(XName.Get("Key", S3Namespace), name),
                new XElement(XName.Get("UploadId", S3Namespace), id)));
            return;
        }
        if (query["uploadId"].ToString() is { Length: > 0 } uploadId)
        {
            List<(int, string)> parts;
            try
            {
                var document = XDocument.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted));
                parts = document.Root!.Elements().Where(e => e.Name.LocalName == "Part")
                    .Select(p => (int.Parse(p.Elements().First(e => e.Name.LocalName == "PartNumber").Value, CultureInfo.InvariantCulture),
                        p.Elements().First(e => e.Name.LocalName == "ETag").Value)).ToList();
            }
            catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException or FormatException or NullReferenceException)
            {
                await new StorageXmlError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.").WriteAsync(context);
                return;
            }
            if (Complete(state, caller.Principal, uploadId, parts) is { } error)
            {
                await error.WriteAsync(context);
                return;
            }
            StorageObject stored;
            lock (state.Gate)
            {
                stored = state.ApiState<StorageState>().Buckets[bucket].Objects[name];
            }
            await WriteXml(context, new XElement(XName.Get("CompleteMultipartUploadResult", S3Namespace),
                new XElement(XName.Get("Location", S3Namespace), $"{state.BaseUri}{PathPrefix}/{bucket}/{name}"),
                new XElement(XName.Get("Bucket", S3Namespace), bucket), new XElement(XName.Get("Key", S3Namespace), name),
                new XElement(XName.Get("ETag", S3Namespace), $"\"{Md5Hex(stored.Content)}-{parts.Count}\"")));
            return;
        }
        await StorageXmlError.Invalid("A POST on an object needs ?uploads or ?uploadId=.").WriteAsync(context);
    }

    private static async Task Put(HttpContext context, EmulatorState state)
    {
        var (bucket, name) = Target(context);
        var caller = await CallerAsync(context, state, bucket, name);
        if (caller.Error is not null)
        {
            await caller.Error.WriteAsync(context);
            return;
        }
        var query = context.Request.Query;
        var uploadId = query["uploadId"].ToString();
        var partText = query["partNumber"].ToString();
        if (uploadId.Length == 0 && partText.Length == 0)
        {
            if (Authorize(state, caller.Principal, bucket, "storage.objects.create") is { } refusal)
            {
                await refusal.WriteAsync(context);
                return;
            }
            var content = await ReadBody(context);
            lock (state.Gate)
            {
                state.ApiState<StorageState>().Buckets[bucket].Objects[name] = new StorageObject
                {
                    Name = name,
                    Generation = state.ApiState<StorageState>().NewGeneration(),
                    Content = content,
                    ContentType = context.Request.ContentType ?? "application/octet-stream",
                    Created = state.Clock.GetUtcNow(),
                };
            }
            context.Response.Headers.ETag = $"\"{Md5Hex(content)}\"";
            return;
        }
        if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) || partNumber < 1 || partNumber > 10000)
        {
            await StorageXmlError.Invalid("partNumber must be a whole number from 1 to 10000.").WriteAsync(context);
            return;
        }
        MultipartUpload? upload;
        lock (state.Gate)
        {
            upload = state.ApiState<StorageUploadsState>().Uploads.GetValueOrDefault(uploadId);
        }
        if (upload is null || upload.Bucket != bucket || upload.ObjectName != name)
        {
            await NoSuchUpload().WriteAsync(context);
            return;
        }
        if (Authorize(state, caller.Principal, bucket, "storage.objects.create") is { } denied)
        {
            await denied.WriteAsync(context);
            return;
        }
        var bytes = await ReadBody(context);
        var etag = $"\"{Md5Hex(bytes)}\"";
        lock (state.Gate)
        {
            upload.Parts[partNumber] = (bytes, etag);
        }
        context.Response.Headers.ETag = etag;
    }

    private static async Task Delete(HttpContext context, EmulatorState state)
    {
        var (bucket, name) = Target(context);
        var caller = await CallerAsync(context, state, bucket, name);
        if (caller.Error is not null)
        {
            await caller.Error.WriteAsync(context);
            return;
        }
        var uploadId = context.Request.Query["uploadId"].ToString();
        if (uploadId.Length == 0)
        {
            await StorageXmlError.Invalid("This emulator deletes objects through the JSON API; the XML API's DELETE aborts uploads (?uploadId=).").WriteAsync(context);
            return;
        }
        if (Abort(state, caller.Principal, uploadId) is { } error)
        {
            await error.WriteAsync(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task Get(HttpContext context, EmulatorState state)
    {
        var (bucket, name) = Target(context);
        var caller = await CallerAsync(context, state, bucket, name);
        if (caller.Error is not null)
        {
            await caller.Error.WriteAsync(context);
            return;
        }
        if (Authorize(state, caller.Principal, bucket, "storage.objects.get") is { } refusal)
        {
            await refusal.WriteAsync(context);
            return;
        }
        StorageObject? stored;
        lock (state.Gate)
        {
            stored = state.ApiState<StorageState>().Buckets[bucket].Objects.GetValueOrDefault(name);
        }
        if (stored is null)
        {
            await new StorageXmlError(404, "NoSuchKey", "The specified key does not exist.", $"No such object: {bucket}/{name}").WriteAsync(context);
            return;
        }
        context.Response.ContentType = stored.ContentType;
        context.Response.ContentLength = stored.Content.Length;
        context.Response.Headers.ETag = $"\"{Md5Hex(stored.Content)}\"";
        await context.Response.Body.WriteAsync(stored.Content, context.RequestAborted);
    }

    private static (string Bucket, string Object) Target(HttpContext context) =>
        (context.Route("bucket"), Uri.UnescapeDataString(context.Route("object")));

    /// <summary>Who asks: the bearer token's principal, or the signer of a V4 signed URL (whose signature is checked here).</summary>
    private static Task<(Principal? Principal, StorageXmlError? Error)> CallerAsync(HttpContext context, EmulatorState state, string bucket, string name)
    {
        if (!context.Request.Query.ContainsKey(StorageSignedUrl.SignatureParameter))
        {
            return Task.FromResult<(Principal?, StorageXmlError?)>((context.Caller(), null));
        }
        var (signer, error) = StorageSignedUrl.Verify(context, state, bucket, name);
        return Task.FromResult<(Principal?, StorageXmlError?)>((signer is null ? null : Principal.ServiceAccount(signer), error));
    }

    /// <summary>The refusal when the bucket is missing or the principal lacks the permission on it (its policy or its project's).</summary>
    private static StorageXmlError? Authorize(EmulatorState state, Principal? caller, string bucketName, string permission)
    {
        StorageBucket? bucket;
        lock (state.Gate)
        {
            bucket = state.ApiState<StorageState>().Buckets.GetValueOrDefault(bucketName);
        }
        if (bucket is null)
        {
            return new StorageXmlError(404, "NoSuchBucket", "The specified bucket does not exist.");
        }
        bool allowed;
        if (caller is null)
        {
            allowed = state.AllowUnauthenticated;
        }
        else
        {
            lock (state.Gate)
            {
                allowed = bucket.Policy.Grants(caller.Member, permission);
            }
            allowed = allowed || state.FindProject(bucket.ProjectId) is { } project && state.HasPermission(caller, project, permission);
        }
        return allowed ? null : new StorageXmlError(403, "AccessDenied", "Access denied.",
            $"{caller?.Id ?? "Anonymous caller"} does not have {permission} access to the Google Cloud Storage object. Permission '{permission}' denied on resource (or it may not exist).");
    }

    private static StorageXmlError NoSuchUpload() => new(404, "NoSuchUpload",
        "The requested upload was not found.");

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static string Md5Hex(byte[] content) => Convert.ToHexString(MD5.HashData(content)).ToLowerInvariant();

    private static Task WriteXml(HttpContext context, XElement root)
    {
        context.Response.ContentType = "application/xml; charset=UTF-8";
        return context.Response.WriteAsync("<?xml version='1.0' encoding='UTF-8'?>" + root.ToString(SaveOptions.DisableFormatting), context.RequestAborted);
    }
}
