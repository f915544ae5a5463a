using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>The shared HTTP pipeline against the emulator's fault injection: what is retried, what is not, and the errors.</summary>
public sealed class PipelineTests : EmulatedSessionTestBase
{
    private const string ServicesPath = "/v1/projects/proj-one/services";

    private const string EnablePath = "/services/compute.googleapis.com:enable";

    /// <summary>A POST whose retry class is given by the caller.</summary>
    private static GoogleRequest EnableCompute(GoogleCloudSession session, RequestRetry retry) => new(
        GoogleApis.ServiceUsage, HttpMethod.Post,
        new Uri(session.Endpoints.BaseOf(GoogleApis.ServiceUsage), "projects/proj-one/services/compute.googleapis.com:enable"),
        new { }, retry);

    [Fact]
    public async Task Twenty_reads_all_succeed_through_thirty_percent_injected_503s()
    {
        // Eight attempts make twenty calls fail together with a chance near one in ten thousand.
        using var session = await SessionAsync(configure: o => o.Retry!.MaxAttempts = 8);
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "method": "GET", "rate": 0.3, "status": 503}""");

        for (var call = 0; call < 20; call++)
        {
            Assert.NotEmpty(await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None));
        }

        var attempts = RequestsTo(ServicesPath);
        Assert.Equal(20, attempts.Count(r => r.Status == 200));
        Assert.Contains(attempts, r => r.Status == 503);
    }

    [Fact]
    public async Task Retry_after_seconds_are_waited_before_the_next_attempt()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "script": [429], "retryAfterSeconds": 1}""");

        await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None);

        var attempts = RequestsTo(ServicesPath);
        Assert.Equal(new[] { 429, 200 }, attempts.Select(r => r.Status));
        Assert.True(attempts[1].Time - attempts[0].Time >= TimeSpan.FromSeconds(0.95),
            $"second attempt came after {(attempts[1].Time - attempts[0].Time).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Retries_stop_after_the_attempt_limit_with_the_last_error()
    {
        using var session = await SessionAsync(configure: o => o.Retry!.MaxAttempts = 3);
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "rate": 1.0, "status": 503}""");

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Equal(3, RequestsTo(ServicesPath).Count);
    }

    [Fact]
    public async Task Refused_token_request_is_an_authentication_error_without_key_material()
    {
        var key = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(Host.ServiceAccountKeyPath))!.AsObject();
        key["client_email"] = "stranger@proj-one.iam.gserviceaccount.com";
        using var session = await SessionWithCredentialFileAsync(key.ToJsonString());

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None));

        Assert.Equal(401, error.HttpStatus);
        Assert.StartsWith("Could not get an access token", error.Message);
        Assert.DoesNotContain("PRIVATE KEY", error.ToString());
        Assert.Empty(RequestsTo(ServicesPath));
    }

    [Fact]
    public async Task Dropped_connection_is_retried_for_a_read()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "script": ["drop"]}""");

        await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None);

        Assert.Equal(200, RequestsTo(ServicesPath).Last().Status);
        Assert.Equal(2, RequestsTo(ServicesPath).Count);
    }

    [Fact]
    public async Task Client_error_fails_at_once_with_one_request()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "script": [400]}""");

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None));

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("serviceusage", error.Api);
        Assert.Single(RequestsTo(ServicesPath));
    }

    [Fact]
    public async Task Post_not_marked_safe_is_not_sent_again_after_a_503()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{EnablePath}}", "method": "POST", "script": [503]}""");

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() =>
            session.Pipeline.SendAsync(EnableCompute(session, RequestRetry.ByMethod), CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Single(RequestsTo(EnablePath));
    }

    [Fact]
    public async Task Post_marked_safe_to_repeat_is_sent_again_after_a_503()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{EnablePath}}", "method": "POST", "script": [503]}""");

        await session.Pipeline.SendAsync(EnableCompute(session, RequestRetry.Safe), CancellationToken.None);

        Assert.Equal(new[] { 503, 200 }, RequestsTo(EnablePath).Select(r => r.Status));
    }

    [Fact]
    public async Task Unknown_field_comes_back_as_googles_invalid_argument()
    {
        using var session = await SessionAsync();
        var request = new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Post,
            new Uri(session.Endpoints.BaseOf(GoogleApis.ServiceUsage), "projects/proj-one/services:batchEnable"),
            new { serviceIds = new[] { "compute.googleapis.com" }, enableEverything = true }, RequestRetry.Safe);

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.Pipeline.SendAsync(request, CancellationToken.None));

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("INVALID_ARGUMENT", error.Status);
        Assert.Contains("Unknown name \"enableEverything\"", error.Message);
        Assert.Single(RequestsTo("services:batchEnable"));
    }

    [Fact]
    public async Task Debug_lines_name_each_attempt_and_never_hold_a_token()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": "{{ServicesPath}}", "script": [503]}""");

        await session.ServiceUsage.ListEnabledAsync(Project, CancellationToken.None);

        Assert.Contains(DebugLines, line => line.StartsWith("GET ") && line.Contains("-> 503") && line.Contains("(attempt 1)"));
        Assert.Contains(DebugLines, line => line.Contains("-> 200") && line.Contains("(attempt 2)"));
        Assert.DoesNotContain(DebugLines, line => line.Contains("Bearer", StringComparison.OrdinalIgnoreCase) || line.Contains("token="));
    }

    [Fact]
    public async Task Cancellation_stops_the_call()
    {
        using var session = await SessionAsync();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.ServiceUsage.ListEnabledAsync(Project, cancelled.Token));
    }

    [Fact]
    public void Secret_query_values_are_removed_from_reported_uris()
    {
        var safe = GoogleHttpPipeline.SafeUri(new Uri("https://storage.googleapis.com/storage/v1/b?project=p&access_token=abc&key=xyz"));

        Assert.Equal("https://storage.googleapis.com/storage/v1/b?project=p&access_token=REDACTED&key=REDACTED", safe);
    }
}
