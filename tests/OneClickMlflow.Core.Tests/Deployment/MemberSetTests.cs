using System.Collections.Generic;
using OneClickMlflow.Deployment.Resources;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Deployment;

/// <summary>
/// The members a grant counts as holding a role, and the edit that grants and revokes several at once: what every
/// role grant, the bucket's and the IAP policy's plans and writes rest on.
/// </summary>
public sealed class MemberSetTests
{
    private const string Role = "roles/iap.httpsResourceAccessor";
    private const string Alice = "user:alice@example.com";
    private const string Bob = "user:bob@example.com";
    private const string Carol = "user:carol@example.com";

    [Fact]
    public void Only_the_roles_unconditional_binding_counts_not_a_conditional_one_nor_another_roles()
    {
        var policy = new IamPolicy
        {
            Bindings =
            {
                new IamBinding { Role = Role, Members = { Alice } },
                new IamBinding { Role = Role, Members = { Bob }, Condition = new IamCondition { Expression = "request.time < timestamp('2030-01-01T00:00:00Z')" } },
                new IamBinding { Role = "roles/viewer", Members = { Carol } },
            },
        };

        Assert.Equal(new HashSet<string> { Alice }, MemberSet.Of(policy, Role));
    }

    [Fact]
    public void Granting_two_members_in_one_edit_reports_a_change_and_both_hold_the_role()
    {
        var policy = new IamPolicy { Bindings = { new IamBinding { Role = Role, Members = { Alice } } } };

        Assert.True(MemberSet.Edit(policy, Role, add: new[] { Bob, Carol }, remove: new string[0]));
        Assert.Equal(new HashSet<string> { Alice, Bob, Carol }, MemberSet.Of(policy, Role));
    }

    [Fact]
    public void Revoking_two_members_in_one_edit_reports_a_change_and_neither_holds_the_role()
    {
        var policy = new IamPolicy { Bindings = { new IamBinding { Role = Role, Members = { Alice, Bob, Carol } } } };

        Assert.True(MemberSet.Edit(policy, Role, add: new string[0], remove: new[] { Alice, Bob }));
        Assert.Equal(new HashSet<string> { Carol }, MemberSet.Of(policy, Role));
    }

    [Fact]
    public void An_edit_that_finds_everything_in_place_reports_no_change()
    {
        var policy = new IamPolicy { Bindings = { new IamBinding { Role = Role, Members = { Alice } } } };

        Assert.False(MemberSet.Edit(policy, Role, add: new[] { "USER:alice@example.com" }, remove: new[] { Bob }));
    }
}
