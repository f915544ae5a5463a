using System;
using System.Globalization;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Google
{
    /// <summary>storage_v1 Bucket (the fields the deployment reads and writes).</summary>
    public sealed class StorageBucket
    {
        public string? Name { get; set; }

        /// <summary>Upper case as Cloud Storage answers, e.g. US-CENTRAL1.</summary>
        public string? Location { get; set; }

        public string? StorageClass { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        public BucketVersioning? Versioning { get; set; }

        public BucketIamConfiguration? IamConfiguration { get; set; }

        public BucketLifecycle? Lifecycle { get; set; }

        public string? ProjectNumber { get; set; }
    }

    /// <summary>storage_v1 Bucket.lifecycle: rules Cloud Storage applies to objects by themselves.</summary>
    public sealed class BucketLifecycle
    {
        public List<LifecycleRule>? Rule { get; set; }
    }

    public sealed class LifecycleRule
    {
        public LifecycleAction? Action { get; set; }

        public LifecycleCondition? Condition { get; set; }
    }

    public sealed class LifecycleAction
    {
        /// <summary>"Delete", "SetStorageClass" or "AbortIncompleteMultipartUpload".</summary>
        public string? Type { get; set; }

        public string? StorageClass { get; set; }
    }

    /// <summary>The conditions the module reads and sets; a rule with others is someone else's and is kept as it is.</summary>
    public sealed class LifecycleCondition
    {
        public int? Age { get; set; }

        public int? DaysSinceNoncurrentTime { get; set; }

        public int? NumNewerVersions { get; set; }

        public bool? IsLive { get; set; }

        [System.Text.Json.Serialization.JsonExtensionData]
        public Dictionary<string, System.Text.Json.JsonElement>? Other { get; set; }
    }

    /// <summary>storage_v1 Object: one generation of an object.</summary>
    public sealed class StorageObject
    {
        public string? Name { get; set; }

        public string? Generation { get; set; }
    }

    public sealed class BucketVersioning
    {
        public bool? Enabled { get; set; }
    }

    public sealed class BucketIamConfiguration
    {
        public BucketToggle? UniformBucketLevelAccess { get; set; }

        /// <summary>"enforced" or "inherited".</summary>
        public string? PublicAccessPrevention { get; set; }
    }

    public sealed class BucketToggle
    {
        public bool? Enabled { get; set; }
    }

    /// <summary>Cloud Storage JSON v1: buckets and their IAM policy.</summary>
    public sealed class StorageClient : GoogleApiClient
    {
        public StorageClient(GoogleHttpPipeline pipeline, ApiEndpoints endpoints)
            : base(pipeline, endpoints, GoogleApis.Storage)
        {
        }

        /// <summary>The bucket, or null when no bucket has this name.</summary>
        public Task<StorageBucket?> GetBucketAsync(string name, CancellationToken cancellationToken) =>
            GetOrNullAsync<StorageBucket>($"b/{Escape(name)}", cancellationToken);

        /// <summary>Every bucket of the project, with its labels and location.</summary>
        public Task<List<StorageBucket>> ListBucketsAsync(string projectId, CancellationToken cancellationToken) =>
            ListAllAsync<BucketList, StorageBucket>($"b?project={Escape(projectId)}", p => p.Items, p => p.NextPageToken, cancellationToken);

        /// <summary>Creates the bucket (synchronous); 409 when the name is taken, by this project or another.</summary>
        public Task<StorageBucket> InsertBucketAsync(string projectId, StorageBucket bucket, CancellationToken cancellationToken) =>
            SendAsync<StorageBucket>(HttpMethod.Post, $"b?project={Escape(projectId)}", bucket, RequestRetry.Never, cancellationToken);

        /// <summary>Sets the given fields (a patch leaves the others as they are); repeating it changes nothing more.</summary>
        public Task<StorageBucket> PatchBucketAsync(string name, StorageBucket patch, CancellationToken cancellationToken) =>
            SendAsync<StorageBucket>(GoogleRequest.Patch, $"b/{Escape(name)}", patch, RequestRetry.Safe, cancellationToken);

        /// <summary>Deletes an empty bucket; 409 while it holds objects.</summary>
        public Task DeleteBucketAsync(string name, CancellationToken cancellationToken) =>
            SendAsync<object>(HttpMethod.Delete, $"b/{Escape(name)}", null, RequestRetry.ByMethod, cancellationToken);

        /// <summary>Every object of the bucket, every generation (a versioned bucket keeps noncurrent ones).</summary>
        public Task<List<StorageObject>> ListObjectVersionsAsync(string bucket, CancellationToken cancellationToken) =>
            ListAllAsync<ObjectList, StorageObject>($"b/{Escape(bucket)}/o?versions=true", p => p.Items, p => p.NextPageToken, cancellationToken);

        /// <summary>An object's metadata (its live generation), or null when it does not exist.</summary>
        public Task<StorageObject?> GetObjectAsync(string bucket, string name, CancellationToken cancellationToken) =>
            GetOrNullAsync<StorageObject>($"b/{Escape(bucket)}/o/{Escape(name)}", cancellationToken);

        /// <summary>The content of one generation of an object, as text.</summary>
        public Task<string> ReadObjectTextAsync(string bucket, string name, long generation, CancellationToken cancellationToken) =>
            Pipeline.SendAsync(new GoogleRequest(Api, HttpMethod.Get,
                UriFor($"b/{Escape(bucket)}/o/{Escape(name)}?generation={generation.ToString(CultureInfo.InvariantCulture)}&alt=media")), cancellationToken);

        /// <summary>
        /// Writes a JSON object (a media upload) only if the object's live generation is <paramref name="ifGenerationMatch"/>
        /// (0: only if there is none); otherwise 412. Sent once: the caller reads the object again and decides.
        /// </summary>
        public Task<StorageObject> UploadTextAsync(string bucket, string name, string json, long ifGenerationMatch, CancellationToken cancellationToken) =>
            Pipeline.SendAsync<StorageObject>(new GoogleRequest(Api, HttpMethod.Post,
                UploadUri($"b/{Escape(bucket)}/o?uploadType=media&name={Escape(name)}&ifGenerationMatch={ifGenerationMatch.ToString(CultureInfo.InvariantCulture)}"),
                json, RequestRetry.Never), cancellationToken);

        /// <summary>Uploads go to /upload/storage/v1/ beside the JSON API's /storage/v1/ (for Google and for an override alike).</summary>
        private Uri UploadUri(string relativePath)
        {
            const string JsonApiPath = "storage/v1/";
            var path = BaseUri.AbsolutePath;
            var root = path.EndsWith(JsonApiPath, StringComparison.Ordinal) ? path.Substring(0, path.Length - JsonApiPath.Length) : path;
            return new Uri(BaseUri, root + "upload/" + JsonApiPath + relativePath);
        }

        /// <summary>Deletes one generation of an object for good.</summary>
        public Task DeleteObjectAsync(string bucket, StorageObject item, CancellationToken cancellationToken) =>
            SendAsync<object>(HttpMethod.Delete, $"b/{Escape(bucket)}/o/{Escape(item.Name ?? "")}?generation={Escape(item.Generation ?? "")}",
                null, RequestRetry.ByMethod, cancellationToken);

        public Task<IamPolicy> GetIamPolicyAsync(string bucket, CancellationToken cancellationToken) =>
            GetAsync<IamPolicy>($"b/{Escape(bucket)}/iam?optionsRequestedPolicyVersion=3", cancellationToken);

        /// <summary>Writes the policy; a stale etag fails with 412 (<see cref="PolicyEditor"/> re-reads before it writes again).</summary>
        public Task<IamPolicy> SetIamPolicyAsync(string bucket, IamPolicy policy, CancellationToken cancellationToken) =>
            SendAsync<IamPolicy>(HttpMethod.Put, $"b/{Escape(bucket)}/iam", policy, RequestRetry.Never, cancellationToken);

        public IamPolicyEditor PolicyEditor(string bucket) => new IamPolicyEditor(
            Pipeline,
            ct => GetIamPolicyAsync(bucket, ct),
            (policy, ct) => SetIamPolicyAsync(bucket, policy, ct));

        private sealed class ObjectList
        {
            public List<StorageObject>? Items { get; set; }

            public string? NextPageToken { get; set; }
        }

        private sealed class BucketList
        {
            public List<StorageBucket>? Items { get; set; }

            public string? NextPageToken { get; set; }
        }
    }
}
