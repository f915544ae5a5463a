using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>
/// Whole read-decide-write cycles on the shared pipeline, the retry of writes sent once: what starts a cycle again,
/// how long it waits (backoff, the server's Retry-After, bounded), and when it stops.
/// </summary>
public sealed class RetryCycleTests : EmulatedSessionTestBase
{
    private const string EnablePath = "/serviceusage/v1/projects/proj-one/services/compute.googleapis.com:enable";

    private const string ServicesPath = "/serviceusage/v1/projects/proj-one/services";

    /// <summary>A read, then a POST sent once (<see cref="RequestRetry.Never"/>).</summary>
    private static async Task<bool> ReadThenEnableAsync(GoogleCloudSession session, CancellationToken cancellationToken)
    {
        await session.ServiceUsage.ListEnabledAsync(Project, cancellationToken);
        await session.Pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Post,
            new Uri(session.Endpoints.BaseOf(GoogleApis.ServiceUsage), "projects/proj-one/services/compute.googleapis.com:enable"),
            new { }, RequestRetry.Never), cancellationToken);
        return true;
    }

    private TimeSpan GapAfterRefusal()
    {
        var refused = RequestsTo(EnablePath).Single(r => r.Status == 429);
        var nextRead = Host.Requests.First(r => r.Path == ServicesPath && r.Time > refused.Time);
        return nextRead.Time - refused.Time;
    }

    [Fact]
    public async Task A_refused_write_is_sent_again_after_a_fresh_read_once_the_retry_after_has_passed()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"path": "{{EnablePath}}", "script": [429], "retryAfterSeconds": 1}""");

        await session.Pipeline.RetryCycleAsync(ct => ReadThenEnableAsync(session, ct), null, CancellationToken.None);

        Assert.Equal(new[] { 429, 200 }, RequestsTo(EnablePath).Select(r => r.Status));
        Assert.True(GapAfterRefusal() >= TimeSpan.FromSeconds(0.95), $"read again after {GapAfterRefusal().TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_longest_backoff_is_cut_to_it()
    {
        using var session = await SessionAsync(configure: o => o.Retry!.MaxDelay = TimeSpan.FromMilliseconds(300));
        await AddFaultAsync($$"""{"path": "{{EnablePath}}", "script": [429], "retryAfterSeconds": 60}""");

        await session.Pipeline.RetryCycleAsync(ct => ReadThenEnableAsync(session, ct), null, CancellationToken.None);

        Assert.InRange(GapAfterRefusal(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_not_sent_again_before_a_read()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"path": "{{EnablePath}}", "script": ["lost"]}""");

        await session.Pipeline.RetryCycleAsync(ct => ReadThenEnableAsync(session, ct), null, CancellationToken.None);

        var writes = RequestsTo(EnablePath);
        Assert.Equal(new[] { 0, 200 }, writes.Select(r => r.Status));
        Assert.Contains(Host.Requests, r => r.Path == ServicesPath && r.Time > writes[0].Time && r.Time < writes[1].Time);
    }

    [Fact]
    public async Task Cycles_stop_after_the_attempt_limit_with_the_last_error()
    {
        using var session = await SessionAsync(configure: o => o.Retry!.MaxAttempts = 3);
        await AddFaultAsync($$"""{"path": "{{EnablePath}}", "rate": 1.0, "status": 503}""");

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() =>
            session.Pipeline.RetryCycleAsync(ct => ReadThenEnableAsync(session, ct), null, CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Equal(3, RequestsTo(EnablePath).Count);
    }

    [Fact]
    public async Task Only_transient_failures_and_those_the_caller_names_start_a_cycle_again()
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"path": "{{EnablePath}}", "script": [409, 400]}""");

        await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.Pipeline.RetryCycleAsync(ct => ReadThenEnableAsync(session, ct),
            e => e is GoogleCloudApiException { HttpStatus: 409 }, CancellationToken.None));

        Assert.Equal(new[] { 409, 400 }, RequestsTo(EnablePath).Select(r => r.Status));
    }

    [Theory]
    [InlineData("429")]
    [InlineData("503")]
    [InlineData("\"drop\"")]
    public async Task A_write_sent_once_is_still_sent_when_the_token_endpoint_failed_first(string step)
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"api": "oauth2", "script": [{{step}}]}""");

        await session.Pipeline.SendAsync(new GoogleRequest(GoogleApis.ServiceUsage, HttpMethod.Post,
            new Uri(session.Endpoints.BaseOf(GoogleApis.ServiceUsage), "projects/proj-one/services/compute.googleapis.com:enable"),
            new { }, RequestRetry.Never), CancellationToken.None);

        Assert.Equal(new[] { 200 }, RequestsTo(EnablePath).Select(r => r.Status));
        Assert.Contains(Host.Requests, r => r.Api == "oauth2" && r.Status != 200);
    }
}
