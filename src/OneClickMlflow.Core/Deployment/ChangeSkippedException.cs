using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Thrown by a change gate when a change cannot even start because something it needs before any change failed
    /// (the bucket that holds the run lease): the engine records the change as skipped, with this reason.
    /// </summary>
    public sealed class ChangeSkippedException : Exception
    {
        public ChangeSkippedException(string reason)
            : base(reason)
        {
        }
    }
}
