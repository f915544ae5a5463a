using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>The read-modify-write cycle on its own, with a policy store the test scripts: version 3 for conditions, and where it gives up.</summary>
public sealed class IamPolicyCycleTests : IDisposable
{
    private const string Role = "roles/storage.objectUser";
    private const string Member = "serviceAccount:mlflow-server@proj-one.iam.gserviceaccount.com";

    private readonly List<IamPolicy> written = new();
    private int reads;

    // The cycles run on the pipeline's retry schedule: three attempts, a millisecond apart.
    private readonly GoogleHttpPipeline pipeline = new(null, "test", new RetrySettings { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) });

    public void Dispose() => pipeline.Dispose();

    private IamPolicyEditor Editor(Func<IamPolicy> read, Func<int, GoogleCloudApiException?> failWrite) => new(
        pipeline,
        _ =>
        {
            reads++;
            return Task.FromResult(read());
        },
        (policy, _) =>
        {
            written.Add(policy);
            return failWrite(written.Count) is { } error ? Task.FromException<IamPolicy>(error) : Task.FromResult(policy);
        });

    private static GoogleCloudApiException Error(int status, string? code) => new(status, code, null, "refused", "storage", "POST", "https://storage/b/x/iam");

    [Fact]
    public async Task A_policy_with_a_conditional_binding_is_written_as_version_3_and_one_without_keeps_its_version()
    {
        var conditional = Editor(() => new IamPolicy
        {
            Version = 1,
            Bindings = { new IamBinding { Role = "roles/viewer", Members = { "user:alice@example.com" }, Condition = new IamCondition { Expression = "request.time < timestamp('2030-01-01T00:00:00Z')" } } },
        }, _ => null);
        await conditional.EditAsync(p => p.AddMember(Role, Member), CancellationToken.None);
        var plain = Editor(() => new IamPolicy { Version = 1 }, _ => null);
        await plain.EditAsync(p => p.AddMember(Role, Member), CancellationToken.None);

        Assert.Equal(new int?[] { 3, 1 }, new[] { written[0].Version, written[1].Version });
    }

    [Fact]
    public async Task Conflicts_on_every_write_give_up_after_the_pipelines_attempts_with_the_last_conflict()
    {
        var editor = Editor(() => new IamPolicy(), _ => Error(409, "ABORTED"));

        var error = await Assert.ThrowsAsync<GoogleCloudApiException>(() => editor.EditAsync(p => p.AddMember(Role, Member), CancellationToken.None));

        Assert.Equal("ABORTED", error.Status);
        Assert.Equal((3, 3), (reads, written.Count));
    }

    [Fact]
    public async Task A_refused_write_is_not_tried_again()
    {
        var editor = Editor(() => new IamPolicy(), _ => Error(403, "PERMISSION_DENIED"));

        await Assert.ThrowsAsync<GoogleCloudApiException>(() => editor.EditAsync(p => p.AddMember(Role, Member), CancellationToken.None));

        Assert.Equal((1, 1), (reads, written.Count));
    }

    [Fact]
    public async Task A_stale_etag_412_is_read_again_and_written_once_more()
    {
        var editor = Editor(() => new IamPolicy(), attempt => attempt == 1 ? Error(412, "FAILED_PRECONDITION") : null);

        var policy = await editor.EditAsync(p => p.AddMember(Role, Member), CancellationToken.None);

        Assert.True(policy.HasMember(Role, Member));
        Assert.Equal((2, 2), (reads, written.Count));
    }
}
