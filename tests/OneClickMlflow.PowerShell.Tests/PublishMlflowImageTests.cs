using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace OneClickMlflow.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class PublishMlflowImageTests : IDisposable
{
    // Nothing listens on port 1: a registry the cmdlet must not (WhatIf) or cannot reach.
    private const string DeadRegistry = "127.0.0.1:1";

    private readonly EmulatorFixture emulator;
    private readonly string context = Directory.CreateTempSubdirectory("ocm-publish-").FullName;

    public PublishMlflowImageTests(EmulatorFixture emulator)
    {
        this.emulator = emulator;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        File.WriteAllText(Path.Combine(context, "hello.txt"), "hello");
    }

    public void Dispose() => Directory.Delete(context, recursive: true);

    [Fact]
    public void WhatIf_contacts_no_registry_and_makes_no_mutating_call()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {DeadRegistry} -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Method != "GET" && !r.Path.Contains("token", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreachable_registry_is_a_connection_error_naming_it()
    {
        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {DeadRegistry} -ErrorAction Continue");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RegistryUnavailable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains(DeadRegistry, error.ErrorDetails.Message);
        Assert.Contains(result.Progress, p => p.CurrentOperation == "Checking registry");
    }

    [Fact]
    public void A_missing_context_directory_is_reported_with_its_path()
    {
        var missing = Path.Combine(context, "nowhere");

        var result = PowerShellRunner.Run(
            $"Publish-MlflowImage -Region europe-west1 -Path '{missing}' -RegistryHost {DeadRegistry} -ErrorAction Continue");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("ImageContextNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains(missing, error.ErrorDetails.Message);
    }
}
