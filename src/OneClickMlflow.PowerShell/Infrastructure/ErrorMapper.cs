using System;
using System.Management.Automation;
using System.Net.Http;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Tokens;
using ErrorShape = (string ErrorId, System.Management.Automation.ErrorCategory Category, string Message, string NextStep);

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// The single place where exceptions become ErrorRecords: a stable FullyQualifiedErrorId, the category a user
    /// filters on, Google's status and message, and what to do next. Never a stack trace or an AggregateException.
    /// </summary>
    public static class ErrorMapper
    {
        /// <param name="caller">
        /// The IAM member the failed calls ran as, as Google reports it for the credential's token (tokeninfo): named in
        /// permission errors, since gcloud's core/account may name someone else than the credentials in use.
        /// </param>
        public static ErrorRecord ToErrorRecord(Exception exception, object? target, string? caller = null)
        {
            Exception cause = Unwrap(exception);
            ErrorShape shape = Describe(cause);
            if (caller != null && shape.Category == ErrorCategory.PermissionDenied && cause is not TrackingTokenException)
            {
                shape = shape with
                {
                    Message = $"{Sentence(shape.Message)} The calls ran as {caller}.",
                    NextStep = shape.NextStep.Replace("the account", caller),
                };
            }
            // Google's messages rarely name the resource ("The caller does not have permission"): say which one. A
            // refused parameter's message names the parameter already; its value is the record's target.
            string subject = target is null || cause is InvalidDeploymentInputException ? "" : $"'{target}': ";
            // The thing that failed: the first resource of a failed run, else what the cmdlet worked on (or the refused value).
            object? failed = cause is DeploymentFailedException { Failures.Count: > 0 } run ? run.Failures[0] : target;
            return new ErrorRecord(cause, shape.ErrorId, shape.Category, failed)
            {
                // PowerShell shows RecommendedAction on its own line ("Recommendation:"), and Get-Error lists it.
                ErrorDetails = new ErrorDetails(subject + Sentence(shape.Message)) { RecommendedAction = shape.NextStep },
            };
        }

        private static ErrorShape Shape(string errorId, ErrorCategory category, string message, string nextStep) =>
            (errorId, category, message, nextStep);

        private static string Sentence(string text)
        {
            text = text.TrimEnd();
            return text.Length == 0 || ".!?".IndexOf(text[text.Length - 1]) >= 0 ? text : text + ".";
        }

        /// <summary>Whether the exception becomes a PermissionDenied error (then the caller is worth naming).</summary>
        public static bool IsPermissionDenied(Exception exception) => Describe(Unwrap(exception)).Category == ErrorCategory.PermissionDenied;

        private static Exception Unwrap(Exception exception)
        {
            while (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                exception = aggregate.InnerExceptions[0];
            }

            return exception;
        }

        private static ErrorShape Describe(Exception exception) => exception switch
        {
            GoogleCloudApiException google => DescribeGoogle(google),
            OneClickMlflow.Images.ImagePublishException image => ImagePublishErrors.Describe(image),
            InvalidDeploymentInputException => Shape(
                "InvalidDeploymentInput", ErrorCategory.InvalidArgument, exception.Message,
                "Correct that parameter and run the command again; nothing was changed."),
            PlanningException => Shape(
                "DeploymentCannotBeChanged", ErrorCategory.InvalidOperation, exception.Message,
                "Resolve the conflict named above (or choose another -Name) and run the command again."),
            // The first failure decides the id and category; the message lists every failed resource.
            DeploymentFailedException failed when failed.InnerException is not null and not DeploymentFailedException =>
                Describe(Unwrap(failed.InnerException)) with { Message = failed.Message },
            TrackingTokenException token => DescribeToken(token),
            Deployment.Preflight.PreflightFailedException preflight => Shape(
                "PreflightFailed", preflight.MissingPermissions.Count > 0 ? ErrorCategory.PermissionDenied : ErrorCategory.ResourceUnavailable,
                exception.Message, preflight.RecommendedAction),
            ConfirmationUnavailableException => Shape(
                "ConfirmationUnavailable", ErrorCategory.InvalidOperation, exception.Message,
                "Pass -Force (or -Confirm:$false) to go ahead without asking, or -WhatIf to see first what would change."),
            Deployment.Lease.DeploymentBusyException busy => Shape(
                "DeploymentBusy", ErrorCategory.ResourceBusy, exception.Message, busy.RecommendedAction + "; nothing was changed."),
            Deployment.Lease.DeploymentRemovedWhileWaitingException => Shape(
                "DeploymentRemovedWhileWaiting", ErrorCategory.OperationStopped, exception.Message,
                "Check that the deployment should exist again, then run New-MlflowDeployment again."),
            Deployment.Lease.RunLeaseChangedException => Shape(
                "DeploymentChangedDuringRun", ErrorCategory.ResourceBusy, exception.Message,
                "Another run keeps changing this deployment: let it finish (or pass -LockTimeout), then run the command again."),
            Deployment.Lease.RunLeaseLostException => Shape(
                "RunLeaseLost", ErrorCategory.ResourceBusy, exception.Message,
                "Check which run broke or took the lease (Get-MlflowDeployment shows the deployment as it is), then run the command again."),
            CredentialsNotFoundException => Shape(
                "CredentialsNotFound", ErrorCategory.AuthenticationError, exception.Message,
                "Run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS to a credential file."),
            ProjectNotConfiguredException => Shape(
                "ProjectNotConfigured", ErrorCategory.InvalidArgument, exception.Message,
                "Pass -ProjectId, set CLOUDSDK_CORE_PROJECT, or run 'gcloud config set project PROJECT_ID'."),
            ServerVersionFailedException version => Shape(
                "ServerVersionFailed", ErrorCategory.InvalidResult, exception.Message,
                $"Fix the cause named above (the server's logs: {version.LogCommand}), then run New-MlflowDeployment again; the rest of the deployment is kept."),
            OperationFailedException => Shape(
                "OperationFailed", ErrorCategory.InvalidResult, exception.Message,
                "Read the operation's error above, fix its cause and run the command again; finished steps are kept."),
            // HttpClient reports its own timeout as a cancellation wrapping a TimeoutException.
            TimeoutException or OperationCanceledException { InnerException: TimeoutException } => Shape(
                "OperationTimeout", ErrorCategory.OperationTimeout, exception.Message,
                "Run the command again: it resumes from the last finished step."),
            OperationCanceledException => Shape(
                "OperationStopped", ErrorCategory.OperationStopped, "The operation was stopped before it finished.",
                "Run the command again to resume."),
            HttpRequestException => Shape(
                "ConnectionFailed", ErrorCategory.ConnectionError, "Could not reach Google Cloud: " + exception.Message,
                "Check the network, proxy and any CLOUDSDK_API_ENDPOINT_OVERRIDES_* settings, then retry."),
            _ => Shape(
                "UnexpectedError", ErrorCategory.NotSpecified, exception.Message,
                "Run again with -Debug for details."),
        };

        private static ErrorShape DescribeToken(TrackingTokenException token) => token.Failure switch
        {
            TrackingTokenFailure.PermissionDenied => Shape("TrackingTokenPermissionDenied", ErrorCategory.PermissionDenied, token.Message,
                "Role grants can take a minute to apply; then run the command again."),
            TrackingTokenFailure.UnknownDeployment => Shape("UnknownDeployment", ErrorCategory.ObjectNotFound, token.Message,
                "List the project's App Engine application with 'gcloud app describe --project PROJECT_ID'."),
            _ => Shape("TrackingUriRequired", ErrorCategory.InvalidArgument, token.Message,
                "Pass the missing parameter and run the command again."),
        };

        private static ErrorShape DescribeGoogle(GoogleCloudApiException google)
        {
            string where = string.IsNullOrEmpty(google.Api) ? "Google Cloud" : $"Google Cloud API '{google.Api}'";
            string message = google.HttpStatus == 0
                ? $"{where} could not be reached: {google.Message}"
                : $"{where} returned {google.Status ?? "an error"} (HTTP {google.HttpStatus}): {google.Message}";
            (string id, ErrorCategory category, string nextStep) = google.Status switch
            {
                "PERMISSION_DENIED" => ("GooglePermissionDenied", ErrorCategory.PermissionDenied,
                    "Check that the project exists and that the account holds the roles listed by Test-MlflowPrerequisite."),
                "NOT_FOUND" => ("GoogleNotFound", ErrorCategory.ObjectNotFound,
                    "Check the project id and resource name."),
                "ALREADY_EXISTS" => ("GoogleAlreadyExists", ErrorCategory.ResourceExists,
                    "Choose another name, or reuse the existing resource."),
                "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => ("GoogleInvalidArgument", ErrorCategory.InvalidArgument,
                    "Correct the value named in the message and run the command again."),
                "UNAUTHENTICATED" => ("GoogleUnauthenticated", ErrorCategory.AuthenticationError,
                    "Run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS."),
                _ when google.HttpStatus == 429 || google.Status == "RESOURCE_EXHAUSTED" => ("GoogleQuotaExceeded", ErrorCategory.LimitsExceeded,
                    "Wait a minute and retry, or request more quota for the project."),
                _ when google.HttpStatus >= 500 || google.HttpStatus == 0 => ("GoogleServiceUnavailable", ErrorCategory.ConnectionError,
                    "Google Cloud had a transient fault; run the command again."),
                _ => ("GoogleApiError", ErrorCategory.NotSpecified,
                    "Read Google's message above; run again with -Debug for the failed request."),
            };
            return Shape(id, category, message, nextStep);
        }
    }
}
