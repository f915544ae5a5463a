using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OneClickMlflow.Images;
using OneClickMlflow.Tests.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class PublishMlflowImageTests : IDisposable
{
    // Nothing listens on port 1: a registry the cmdlet must not (WhatIf) or cannot reach.
    private const string DeadRegistry = "127.0.0.1:1";

    private readonly EmulatorFixture emulator;
    private readonly ITestOutputHelper output;
    private readonly string context = Directory.CreateTempSubdirectory("ocm-publish-").FullName;

    public PublishMlflowImageTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        this.emulator = emulator;
        this.output = output;
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

    [Fact]
    public async Task Publishes_to_the_registry_with_the_sessions_credentials_then_finds_it_there_next_time()
    {
        await using var bed = await DockerTestBed.StartAsync(emulator.Host);
        if (bed.SkipReason is not null)
        {
            output.WriteLine("Skipped: " + bed.SkipReason);
            return;
        }
        var image = "t" + Guid.NewGuid().ToString("N")[..10];
        var script = $"Publish-MlflowImage -Region europe-west1 -Path '{context}' -RegistryHost {bed.RegistryHost} -ImageName {image} -Verbose";
        var previousHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", bed.EngineEndpoint.ToString());
        try
        {
            var first = PowerShellRunner.Run(script);
            var second = PowerShellRunner.Run(script);

            Assert.Empty(first.Errors);
            var published = Assert.IsType<ImagePublishResult>(Assert.Single(first.Output).BaseObject);
            Assert.True(published.Built && published.Pushed);
            Assert.Equal($"{bed.RegistryHost}/{EmulatorFixture.OwnedProject}/mlflow/{image}", published.Repository);
            Assert.StartsWith(published.Repository + "@sha256:", published.ImageUri);
            Assert.Contains(first.Progress, p => p.CurrentOperation == "Pushing");
            Assert.Equal(ProgressRecordType.Completed, first.Progress[^1].RecordType);
            Assert.Contains(first.Verbose, line => line.Contains("using API", StringComparison.Ordinal));
            var again = Assert.IsType<ImagePublishResult>(Assert.Single(second.Output).BaseObject);
            Assert.False(again.Built || again.Pushed);
            Assert.Equal(published.ImageUri, again.ImageUri);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previousHost);
            if (bed.SharedEngine)
            {
                await bed.RemoveImagesAsync(new[] { $"{bed.RegistryHost}/{EmulatorFixture.OwnedProject}/mlflow/{image}" });
            }
        }
    }
}
