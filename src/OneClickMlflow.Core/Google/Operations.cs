using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneClickMlflow.Google
{
    /// <summary>google.longrunning.Operation.</summary>
    public sealed class LongRunningOperation
    {
        public string? Name { get; set; }

        public bool Done { get; set; }

        public JsonElement? Metadata { get; set; }

        public JsonElement? Response { get; set; }

        public RpcStatus? Error { get; set; }
    }

    /// <summary>google.rpc.Status.</summary>
    public sealed class RpcStatus
    {
        public int Code { get; set; }

        public string? Message { get; set; }

        public List<JsonElement>? Details { get; set; }
    }

    /// <summary>compute#operation and sql#operation: status PENDING/RUNNING/DONE and an error.errors list.</summary>
    public sealed class ResourceOperation
    {
        public string? Kind { get; set; }

        public string? Name { get; set; }

        public string? Status { get; set; }

        public string? SelfLink { get; set; }

        public string? TargetLink { get; set; }

        public string? Zone { get; set; }

        public string? Region { get; set; }

        /// <summary>Cloud SQL: the project of the target.</summary>
        public string? TargetProject { get; set; }

        public string? OperationType { get; set; }

        public int? HttpErrorStatusCode { get; set; }

        public OperationErrors? Error { get; set; }

        [JsonIgnore]
        public bool IsDone => Status == "DONE";
    }

    public sealed class OperationErrors
    {
        public List<OperationError>? Errors { get; set; }
    }

    public sealed class OperationError
    {
        public string? Kind { get; set; }

        public string? Code { get; set; }

        public string? Message { get; set; }
    }
}
