using System;

namespace OneClickMlflow.Google
{
    /// <summary>A Google API call that failed: the HTTP status and Google's status, reason and message.</summary>
    public sealed class GoogleCloudApiException : Exception
    {
        public GoogleCloudApiException(int httpStatus, string? status, string? reason, string message, string api, string method,
            string uri, Exception? innerException = null)
            : base(message, innerException)
        {
            HttpStatus = httpStatus;
            Status = status;
            Reason = reason;
            Api = api;
            Method = method;
            Uri = uri;
        }

        /// <summary>The HTTP status code; 0 when no answer came (connection failure).</summary>
        public int HttpStatus { get; }

        /// <summary>Google's canonical status, e.g. ALREADY_EXISTS, PERMISSION_DENIED.</summary>
        public string? Status { get; }

        /// <summary>Google's reason, e.g. alreadyExists, instanceAlreadyExists.</summary>
        public string? Reason { get; }

        /// <summary>The API's gcloud name, e.g. serviceusage.</summary>
        public string Api { get; }

        public string Method { get; }

        /// <summary>The request URI with secret query values removed.</summary>
        public string Uri { get; }

        public bool IsNotFound => HttpStatus == 404;

        public bool IsAlreadyExists => HttpStatus == 409 && Status != "ABORTED";

        /// <summary>The API is not enabled in the project (403 with reason SERVICE_DISABLED).</summary>
        public bool IsServiceDisabled => HttpStatus == 403 && Reason == "SERVICE_DISABLED";

        /// <summary>A stale etag: 409 ABORTED, or 412 from Cloud Storage; redo the whole read-modify-write.</summary>
        public bool IsConflictRetry => (HttpStatus == 409 && Status == "ABORTED") || HttpStatus == 412;

        /// <summary>400 FAILED_PRECONDITION: Secret Manager's answer to a stale etag (https://cloud.google.com/secret-manager/docs/etags).</summary>
        public bool IsFailedPrecondition => HttpStatus == 400 && Status == "FAILED_PRECONDITION";

        /// <summary>A failure that may pass on its own (no answer, 429, 5xx): re-read before trying again.</summary>
        public bool IsTransient => HttpStatus == 0 || HttpStatus == 429 || HttpStatus >= 500;

        /// <summary>How long the server asked to wait before trying again (its Retry-After, bounded by the longest backoff).</summary>
        public TimeSpan? RetryAfter { get; internal set; }
    }

    /// <summary>A long-running operation that finished with an error.</summary>
    public sealed class OperationFailedException : Exception
    {
        public OperationFailedException(string operationName, int code, string? status, string message)
            : base(message)
        {
            OperationName = operationName;
            Code = code;
            Status = status;
        }

        public string OperationName { get; }

        /// <summary>google.rpc code (e.g. 9), or the HTTP status for Compute and Cloud SQL operations.</summary>
        public int Code { get; }

        /// <summary>Error code text where the API gives one (e.g. Compute's QUOTA_EXCEEDED).</summary>
        public string? Status { get; }
    }

    /// <summary>No project is configured for a command that needs one, or the project id is malformed.</summary>
    public sealed class ProjectNotConfiguredException : Exception
    {
        public ProjectNotConfiguredException(string message) : base(message)
        {
        }
    }

    /// <summary>No credentials could be found or loaded.</summary>
    public sealed class CredentialsNotFoundException : Exception
    {
        public CredentialsNotFoundException(string message, Exception? innerException = null) : base(message, innerException)
        {
        }
    }
}
