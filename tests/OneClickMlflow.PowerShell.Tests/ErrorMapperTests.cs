using System;
using System.Management.Automation;
using System.Net.Http;
using OneClickMlflow.Google;
using OneClickMlflow.PowerShell.Infrastructure;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>Every failure a user can meet has a stable id, the category to filter on, and Google's words.</summary>
public sealed class ErrorMapperTests
{
    [Theory]
    [InlineData(403, "PERMISSION_DENIED", "GooglePermissionDenied", ErrorCategory.PermissionDenied)]
    [InlineData(404, "NOT_FOUND", "GoogleNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData(409, "ALREADY_EXISTS", "GoogleAlreadyExists", ErrorCategory.ResourceExists)]
    [InlineData(400, "INVALID_ARGUMENT", "GoogleInvalidArgument", ErrorCategory.InvalidArgument)]
    [InlineData(401, "UNAUTHENTICATED", "GoogleUnauthenticated", ErrorCategory.AuthenticationError)]
    [InlineData(429, "RESOURCE_EXHAUSTED", "GoogleQuotaExceeded", ErrorCategory.LimitsExceeded)]
    [InlineData(503, "UNAVAILABLE", "GoogleServiceUnavailable", ErrorCategory.ConnectionError)]
    [InlineData(0, null, "GoogleServiceUnavailable", ErrorCategory.ConnectionError)]
    public void Google_errors_map_to_their_category(int httpStatus, string? status, string errorId, ErrorCategory category)
    {
        var exception = new GoogleCloudApiException(httpStatus, status, null, "Bucket mlflow-artifacts is gone.", "storage", "GET",
            "https://storage.googleapis.com/storage/v1/b/mlflow-artifacts");

        var record = ErrorMapper.ToErrorRecord(exception, "my-project");

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Same(exception, record.Exception);
        Assert.Equal("my-project", record.TargetObject);
        Assert.Contains("Bucket mlflow-artifacts is gone.", record.ErrorDetails.Message);
        Assert.Contains("'my-project'", record.ErrorDetails.Message);
        if (status is not null)
        {
            Assert.Contains(status, record.ErrorDetails.Message);
        }
    }

    [Fact]
    public void A_single_exception_inside_an_AggregateException_is_what_the_user_sees()
    {
        var inner = new ProjectNotConfiguredException("No project: pass -ProjectId.");

        var record = ErrorMapper.ToErrorRecord(new AggregateException(inner), null);

        Assert.Same(inner, record.Exception);
        Assert.Equal("ProjectNotConfigured", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Contains("gcloud config set project", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void An_HttpClient_timeout_is_an_operation_timeout()
    {
        var exception = new OperationCanceledException("The request was canceled.", new TimeoutException("100 seconds elapsed."));

        var record = ErrorMapper.ToErrorRecord(exception, null);

        Assert.Equal(ErrorCategory.OperationTimeout, record.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("credentials", "CredentialsNotFound", ErrorCategory.AuthenticationError)]
    [InlineData("operation", "OperationFailed", ErrorCategory.InvalidResult)]
    [InlineData("network", "ConnectionFailed", ErrorCategory.ConnectionError)]
    public void Module_failures_have_their_own_ids(string kind, string errorId, ErrorCategory category)
    {
        Exception exception = kind switch
        {
            "credentials" => new CredentialsNotFoundException("No Application Default Credentials were found."),
            "operation" => new OperationFailedException("operations/abc", 9, "FAILED_PRECONDITION", "The instance is being deleted."),
            _ => new HttpRequestException("Connection refused"),
        };

        var record = ErrorMapper.ToErrorRecord(exception, null);

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Contains(exception.Message, record.ErrorDetails.Message);
    }

    [Fact]
    public void The_next_step_is_the_recommended_action_and_not_part_of_the_message()
    {
        var record = ErrorMapper.ToErrorRecord(new ProjectNotConfiguredException("No project to deploy to."), null);

        Assert.Equal("No project to deploy to.", record.ErrorDetails.Message);
        Assert.Equal("Pass -ProjectId, set CLOUDSDK_CORE_PROJECT, or run 'gcloud config set project PROJECT_ID'.", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_refused_parameter_is_named_once_and_its_value_is_the_target()
    {
        var record = ErrorMapper.ToErrorRecord(new OneClickMlflow.Deployment.InvalidDeploymentInputException("Region", "'europe-west1x' is not a region."), "europe-west1x");

        Assert.Equal("europe-west1x", record.TargetObject);
        Assert.Equal("-Region: 'europe-west1x' is not a region.", record.ErrorDetails.Message);
    }
}
