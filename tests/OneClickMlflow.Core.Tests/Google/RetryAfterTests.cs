using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>
/// Retry-After in the form the emulator does not send (an HTTP date), and one longer than the longest backoff,
/// answered by a handler inside the pipeline: the wait between attempts is measured where the requests leave.
/// </summary>
public sealed class RetryAfterTests
{
    private static HttpResponseMessage Busy(HttpStatusCode status, RetryConditionHeaderValue retryAfter)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("""{"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}""") };
        response.Headers.RetryAfter = retryAfter;
        return response;
    }

    private static async Task<List<TimeSpan>> SendAsync(AnsweringHandler handler, TimeSpan maxDelay)
    {
        using var pipeline = new GoogleHttpPipeline(null, "test", new RetrySettings { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = maxDelay }, handler);
        await pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Get, AnsweringHandler.Services), CancellationToken.None);
        return handler.Arrivals;
    }

    [Fact]
    public async Task A_retry_after_date_is_waited_for_before_the_next_attempt_and_not_much_longer()
    {
        var handler = new AnsweringHandler(
            () => Busy(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(3))),
            AnsweringHandler.Ok);

        var arrivals = await SendAsync(handler, TimeSpan.FromSeconds(30));

        Assert.Equal(2, arrivals.Count);
        // The header has whole seconds: three seconds ahead is at least two seconds away, and well short of the
        // longest backoff (30 s), which a shorter Retry-After must not stretch to.
        Assert.InRange(arrivals[1] - arrivals[0], TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_longest_backoff_waits_only_that_long()
    {
        var handler = new AnsweringHandler(
            () => Busy(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(TimeSpan.FromHours(1))),
            AnsweringHandler.Ok);

        var arrivals = await SendAsync(handler, TimeSpan.FromMilliseconds(500));

        Assert.Equal(2, arrivals.Count);
        Assert.InRange(arrivals[1] - arrivals[0], TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
    }
}
