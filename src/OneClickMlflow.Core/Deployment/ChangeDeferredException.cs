using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Thrown by a resource's apply when Google cannot make the change yet for a known, passing reason (a deleted
    /// Cloud SQL instance's producer still holds the peering for days). The run does not fail: the resource and what
    /// waits for it end <see cref="ResourceOutcome.Deferred"/>, and a later run makes the change.
    /// </summary>
    public sealed class ChangeDeferredException : Exception
    {
        /// <param name="reason">Why it cannot happen now, and what to do, as a sentence.</param>
        public ChangeDeferredException(string reason, Exception? cause = null)
            : base(reason, cause)
        {
        }
    }
}
