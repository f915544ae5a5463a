using System;
using System.Net.Http;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>Each form of error body Google answers with becomes the status, reason and message a user reads.</summary>
public sealed class GoogleErrorParserTests
{
    private const string SafeUri = "https://serviceusage.googleapis.com/v1/projects/proj-one/services?access_token=REDACTED";

    private static readonly GoogleRequest Request = new(GoogleApis.ServiceUsage, HttpMethod.Get, new Uri("https://serviceusage.googleapis.com/v1/projects/proj-one/services"));

    private static GoogleCloudApiException Parse(int status, string? phrase, string body) => GoogleErrorParser.Parse(status, phrase, body, Request, SafeUri);

    [Fact]
    public void A_disabled_api_is_named_by_the_reason_in_the_details_of_a_google_rpc_error()
    {
        var error = Parse(403, "Forbidden", """
            {"error": {"code": 403, "message": "Cloud SQL Admin API has not been used in project proj-one before or it is disabled.",
             "status": "PERMISSION_DENIED",
             "details": [{"@type": "type.googleapis.com/google.rpc.Help"},
                         {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com"}]}}
            """);

        Assert.Equal((403, "PERMISSION_DENIED", "SERVICE_DISABLED"), (error.HttpStatus, error.Status, error.Reason));
        Assert.True(error.IsServiceDisabled);
        Assert.StartsWith("Cloud SQL Admin API has not been used", error.Message, StringComparison.Ordinal);
        Assert.Equal(("serviceusage", "GET", SafeUri), (error.Api, error.Method, error.Uri));
    }

    [Fact]
    public void The_first_reason_of_the_errors_list_comes_before_the_details()
    {
        var error = Parse(409, "Conflict", """
            {"error": {"code": 409, "message": "Operation failed because another operation was already in progress.",
             "errors": [{"message": "no reason here"}, {"reason": "operationInProgress"}, {"reason": "other"}],
             "details": [{"reason": "ABORTED_BY_DETAILS"}]}}
            """);

        Assert.Equal("operationInProgress", error.Reason);
        Assert.Null(error.Status);
    }

    [Fact]
    public void An_oauth_error_gives_its_code_as_the_status_and_its_description_as_the_message()
    {
        var error = Parse(400, "Bad Request", """{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}""");

        Assert.Equal(("invalid_grant", "Token has been expired or revoked."), (error.Status, error.Message));
        Assert.Null(error.Reason);
    }

    [Fact]
    public void A_body_that_is_not_google_json_is_quoted_after_the_http_status_up_to_200_characters()
    {
        var page = "<html><body>" + new string('x', 300) + "</body></html>";

        var html = Parse(502, "Bad Gateway", "  " + page + "  ");
        var empty = Parse(503, "Service Unavailable", "");
        var bare = Parse(500, null, "{\"unexpected\": true}");

        Assert.Equal("HTTP 502 Bad Gateway: " + ("  " + page).Substring(0, 200).Trim(), html.Message);
        Assert.Null(html.Status);
        Assert.Equal("HTTP 503 Service Unavailable", empty.Message);
        Assert.Equal("HTTP 500: {\"unexpected\": true}", bare.Message);
    }
}
