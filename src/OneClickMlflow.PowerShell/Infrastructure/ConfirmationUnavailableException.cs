using System;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>A change needs the user's confirmation and this PowerShell cannot ask (a non-interactive session): nothing was changed.</summary>
    public sealed class ConfirmationUnavailableException : Exception
    {
        public ConfirmationUnavailableException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
