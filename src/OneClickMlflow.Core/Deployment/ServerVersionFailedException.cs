using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// App Engine could not bring a new version of the server up (its image could not be pulled, or the server never
    /// passed its health checks). The message names Google's cause, what became of the failed version, what still
    /// serves, and where the server's logs are.
    /// </summary>
    public sealed class ServerVersionFailedException : Exception
    {
        public ServerVersionFailedException(string message, string logCommand, Exception cause)
            : base(message, cause)
        {
            LogCommand = logCommand;
        }

        /// <summary>The gcloud command that reads the failed version's logs.</summary>
        public string LogCommand { get; }
    }
}
