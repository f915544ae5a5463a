using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>Read-modify-write of the project's IAM policy against the emulator's etag rules.</summary>
public sealed class IamPolicyEditorTests : EmulatedSessionTestBase
{
    private const string Role = "roles/secretmanager.secretAccessor";
    private const string First = "serviceAccount:first@proj-one.iam.gserviceaccount.com";
    private const string Second = "serviceAccount:second@proj-one.iam.gserviceaccount.com";

    [Fact]
    public async Task Concurrent_editors_both_land_after_an_etag_conflict()
    {
        using var session = await SessionAsync();
        var secondDone = new TaskCompletionSource();
        var firstHasRead = new TaskCompletionSource();
        var firstCycles = 0;

        // The first editor reads, then waits until the second has written: its etag is stale when it writes.
        var first = Task.Run(() => session.ResourceManager.PolicyEditor(Project).EditAsync(policy =>
        {
            if (Interlocked.Increment(ref firstCycles) == 1)
            {
                firstHasRead.SetResult();
                secondDone.Task.Wait();
            }
            return policy.AddMember(Role, First);
        }, CancellationToken.None));
        await firstHasRead.Task;
        await session.ResourceManager.PolicyEditor(Project).EditAsync(policy => policy.AddMember(Role, Second), CancellationToken.None);
        secondDone.SetResult();
        await first;

        var final = await session.ResourceManager.GetIamPolicyAsync(Project, CancellationToken.None);
        Assert.True(final.HasMember(Role, First));
        Assert.True(final.HasMember(Role, Second));
        Assert.Equal(2, firstCycles);
        Assert.Contains(RequestsTo(":setIamPolicy"), r => r.Status == 409);
    }

    [Theory]
    [InlineData("503")]
    [InlineData("429")]
    [InlineData("\"lost\"")]
    public async Task A_transient_failure_or_lost_answer_of_the_write_is_followed_by_a_fresh_read_and_lands_once(string step)
    {
        using var session = await SessionAsync();
        await AddFaultAsync($$"""{"pathContains": ":setIamPolicy", "script": [{{step}}]}""");

        await session.ResourceManager.PolicyEditor(Project).EditAsync(policy => policy.AddMember(Role, First), CancellationToken.None);
        var reads = RequestsTo(":getIamPolicy").Count;

        var final = await session.ResourceManager.GetIamPolicyAsync(Project, CancellationToken.None);
        Assert.Single(final.Bindings.Where(b => b.Role == Role).SelectMany(b => b.Members), m => m == First);
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_write_refused_with_retry_after_is_read_again_only_after_that_wait()
    {
        using var session = await SessionAsync();
        await AddFaultAsync("""{"pathContains": ":setIamPolicy", "script": [429], "retryAfterSeconds": 1}""");

        await session.ResourceManager.PolicyEditor(Project).EditAsync(policy => policy.AddMember(Role, First), CancellationToken.None);

        var refused = RequestsTo(":setIamPolicy").Single(r => r.Status == 429);
        var reread = RequestsTo(":getIamPolicy").Single(r => r.Time > refused.Time);
        Assert.True(reread.Time - refused.Time >= TimeSpan.FromSeconds(0.95), $"read again after {(reread.Time - refused.Time).TotalMilliseconds} ms");
        Assert.Equal(new[] { 429, 200 }, RequestsTo(":setIamPolicy").Select(r => r.Status));
    }

    [Fact]
    public async Task Unchanged_policy_is_not_written()
    {
        using var session = await SessionAsync();
        var editor = session.ResourceManager.PolicyEditor(Project);
        await editor.EditAsync(policy => policy.AddMember(Role, First), CancellationToken.None);
        Host.ClearRequests();

        await editor.EditAsync(policy => policy.AddMember(Role, First), CancellationToken.None);

        Assert.Single(RequestsTo(":getIamPolicy"));
        Assert.Empty(RequestsTo(":setIamPolicy"));
    }

    [Fact]
    public async Task Removing_the_last_member_drops_the_binding()
    {
        using var session = await SessionAsync();
        var editor = session.ResourceManager.PolicyEditor(Project);
        await editor.EditAsync(policy => policy.AddMember(Role, First), CancellationToken.None);

        var after = await editor.EditAsync(policy => policy.RemoveMember(Role, First), CancellationToken.None);

        Assert.DoesNotContain(after.Bindings, b => b.Role == Role);
        Assert.Contains(after.Bindings, b => b.Role == "roles/owner" && b.Members.Contains("serviceAccount:" + Deployer));
    }

    [Fact]
    public async Task Test_permissions_returns_the_held_subset()
    {
        var viewer = AddServiceAccountWithRole("viewer", "roles/viewer");
        using var session = await SessionAsync(configure: o => o.ImpersonateServiceAccount = viewer);

        var held = await session.ResourceManager.TestIamPermissionsAsync(Project,
            new[] { "resourcemanager.projects.get", "compute.networks.create" }, CancellationToken.None);

        Assert.Equal(new[] { "resourcemanager.projects.get" }, held.ToArray());
    }
}
