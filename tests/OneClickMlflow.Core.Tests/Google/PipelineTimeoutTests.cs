using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>An answer that never comes: an attempt is given up after its own timeout, a call after the total one, with an error that says so.</summary>
public sealed class PipelineTimeoutTests
{
    private static GoogleHttpPipeline Pipeline(AnsweringHandler handler, TimeSpan attemptTimeout, TimeSpan totalTimeout, int maxAttempts = 6) =>
        new(null, "test", new RetrySettings
        {
            BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = maxAttempts,
            AttemptTimeout = attemptTimeout, TotalTimeout = totalTimeout,
        }, handler);

    [Fact]
    public async Task A_read_whose_first_attempt_hangs_is_sent_again_after_the_attempt_timeout()
    {
        var handler = new AnsweringHandler(AnsweringHandler.Hang, _ => Task.FromResult(AnsweringHandler.Ok()));
        using var pipeline = Pipeline(handler, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30));

        await pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Get, AnsweringHandler.Services), CancellationToken.None);

        Assert.Equal(2, handler.Arrivals.Count);
        Assert.InRange(handler.Arrivals[1] - handler.Arrivals[0], TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_call_that_never_gets_an_answer_ends_at_the_total_timeout_as_deadline_exceeded()
    {
        var handler = new AnsweringHandler(AnsweringHandler.Hang);
        using var pipeline = Pipeline(handler, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() =>
            pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Get, AnsweringHandler.Services), CancellationToken.None));

        Assert.Equal(("DEADLINE_EXCEEDED", 0), (error.Status, error.HttpStatus));
        Assert.True(error.IsTransient);
        Assert.StartsWith("No answer from serviceusage.googleapis.com within 1 s (", error.Message, StringComparison.Ordinal);
        Assert.InRange(handler.Arrivals.Count, 2, 6);
    }

    [Fact]
    public async Task A_hung_write_that_is_not_safe_to_repeat_is_sent_once_and_reported_unreachable()
    {
        var handler = new AnsweringHandler(AnsweringHandler.Hang);
        using var pipeline = Pipeline(handler, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => pipeline.SendAsync(
            new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Post, new Uri(AnsweringHandler.Services + "/compute.googleapis.com:enable"), new { }, RequestRetry.Never),
            CancellationToken.None));

        Assert.Equal("UNAVAILABLE", error.Status);
        Assert.Contains("(1 attempts)", error.Message);
        Assert.Single(handler.Arrivals);
    }

    [Fact]
    public async Task With_one_attempt_allowed_a_503_is_not_sent_again()
    {
        var handler = new AnsweringHandler(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("") }, AnsweringHandler.Ok);
        using var pipeline = Pipeline(handler, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), maxAttempts: 1);

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() =>
            pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Get, AnsweringHandler.Services), CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Single(handler.Arrivals);
    }
}
