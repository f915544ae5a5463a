using System;
using System.Text.Json.Nodes;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Auth;
using Xunit;

namespace OneClickMlflow.Tests;

public sealed class EmulatorStateTests
{
    private sealed class BucketState : IDumpableState
    {
        public int Buckets { get; set; }

        public JsonNode Dump() => new JsonObject { ["buckets"] = Buckets };
    }

    [Fact]
    public void Api_state_is_made_once_and_shows_in_the_dump()
    {
        var state = new EmulatorState();

        state.ApiState<BucketState>().Buckets = 2;

        Assert.Same(state.ApiState<BucketState>(), state.ApiState<BucketState>());
        Assert.Equal(2, state.Dump()["apis"]!["BucketState"]!["buckets"]!.GetValue<int>());
    }

    [Fact]
    public void Project_numbers_are_stable_twelve_digit_numbers()
    {
        var first = new EmulatorState().AddProject("mlflow-demo").ProjectNumber;
        var second = new EmulatorState().AddProject("mlflow-demo").ProjectNumber;
        var other = new EmulatorState().AddProject("other-project").ProjectNumber;

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(12, first.ToString().Length);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("1starts-with-digit")]
    [InlineData("trailing-hyphen-")]
    [InlineData("Upper-case-id")]
    [InlineData("this-project-id-is-far-too-long-for-google")]
    public void Invalid_project_ids_are_refused(string id)
    {
        Assert.Throws<ArgumentException>(() => new EmulatorState().AddProject(id));
    }

    [Fact]
    public void Roles_grant_what_they_hold_and_editor_cannot_change_iam()
    {
        var state = new EmulatorState();
        var project = state.AddProject("mlflow-demo", 123456789012);
        state.Grant("mlflow-demo", "roles/editor", "user:ed@example.com");
        state.Grant("mlflow-demo", "roles/serviceusage.serviceUsageAdmin", "user:su@example.com");
        var editor = Principal.User("ed@example.com");
        var usageAdmin = Principal.User("su@example.com");

        Assert.True(state.HasPermission(editor, project, "cloudsql.instances.create"));
        Assert.False(state.HasPermission(editor, project, "resourcemanager.projects.setIamPolicy"));
        Assert.True(state.HasPermission(usageAdmin, project, "serviceusage.services.enable"));
        Assert.False(state.HasPermission(usageAdmin, project, "cloudsql.instances.create"));
        Assert.False(state.HasPermission(null, project, "serviceusage.services.enable"));
        Assert.Equal(new[] { "serviceusage.services.list" },
            project.HeldPermissions("user:su@example.com", new[] { "serviceusage.services.list", "storage.buckets.create" }));
        Assert.Same(project, state.FindProject("123456789012"));
    }
}
