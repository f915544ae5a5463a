using System;

namespace OneClickMlflow.Deployment
{
    public sealed class DeploymentEngineOptions
    {
        /// <summary>How many resources may be observed or applied at the same time.</summary>
        public int MaxConcurrency { get; set; } = 8;

        /// <summary>Receives progress from any thread; must be quick and thread-safe.</summary>
        public Action<ResourceEvent>? OnEvent { get; set; }

        /// <summary>Receives the approved changes as an apply starts, before its first event (e.g. to count them).</summary>
        public Action<DeploymentApproval>? OnApplyStarting { get; set; }
    }
}
