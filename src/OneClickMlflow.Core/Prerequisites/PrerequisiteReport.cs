using System.Collections.Generic;

namespace OneClickMlflow.Prerequisites
{
    /// <summary>The result of Test-MlflowPrerequisite: can this caller deploy MLflow into this project from here?</summary>
    public sealed class PrerequisiteReport
    {
        public string ProjectId { get; set; } = "";
        public string Account { get; set; } = "";
        public string CredentialSource { get; set; } = "";
        public IReadOnlyList<string> EnabledApis { get; set; } = new List<string>();
        public IReadOnlyList<string> MissingApis { get; set; } = new List<string>();
        public IReadOnlyList<string> GrantedPermissions { get; set; } = new List<string>();
        public IReadOnlyList<string> MissingPermissions { get; set; } = new List<string>();
        public bool DockerAvailable { get; set; }
        /// <summary>Engine version, or the reason it could not be reached.</summary>
        public string DockerStatus { get; set; } = "";
        /// <summary>True when every API is enabled (or can be enabled), every permission is held and an engine answers.</summary>
        public bool Ready { get; set; }
    }
}
