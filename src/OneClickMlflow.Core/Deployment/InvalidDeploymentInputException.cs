using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>A parameter value the deployment cannot use. Cmdlets report it as InvalidArgument on that parameter.</summary>
    public sealed class InvalidDeploymentInputException : Exception
    {
        public InvalidDeploymentInputException(string parameterName, string message)
            : base($"-{parameterName}: {message}")
        {
            ParameterName = parameterName;
        }

        /// <summary>The cmdlet parameter, without the dash: "Region", "WebAppUser".</summary>
        public string ParameterName { get; }
    }
}
