using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using OneClickMlflow.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Images;

[Collection(ImageHarnessCollection.Name)]
public sealed class ImagePublisherTests : IDisposable
{
    private readonly ImageHarness harness;
    private readonly ITestOutputHelper output;
    private readonly TestContexts contexts = new();
    private readonly List<string> log = new();

    public ImagePublisherTests(ImageHarness harness, ITestOutputHelper output)
    {
        this.harness = harness;
        this.output = output;
    }

    public void Dispose()
    {
        contexts.Dispose();
        lock (log)
        {
            foreach (var line in log.TakeLast(40))
            {
                output.WriteLine(line);
            }
        }
    }

    [Fact]
    public async Task Publish_pushes_the_image_and_returns_the_digest_the_registry_serves_then_a_rerun_does_nothing()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var context = contexts.Busybox() ?? contexts.Scratch("no busybox here");
        var request = harness.Request(context);
        var publisher = new ImagePublisher(harness.PublisherOptions(log: log));

        var first = Stopwatch.StartNew();
        var published = await publisher.PublishAsync(request, CancellationToken.None);
        first.Stop();
        var second = Stopwatch.StartNew();
        var again = await publisher.PublishAsync(request, CancellationToken.None);
        second.Stop();
        output.WriteLine($"First publish (build + push): {first.ElapsedMilliseconds} ms; unchanged re-publish: {second.ElapsedMilliseconds} ms");

        Assert.True(published.Built);
        Assert.True(published.Pushed);
        Assert.Equal(request.ImageRepository, published.Repository);
        Assert.Equal($"{request.ImageRepository}@{published.Digest}", published.ImageUri);
        Assert.Equal(await ServedManifestDigestAsync(request.RepositoryPath, published.Tag), published.Digest);
        Assert.False(again.Built);
        Assert.False(again.Pushed);
        Assert.Equal(published.ImageUri, again.ImageUri);
        Assert.Contains(log, line => line.StartsWith("[Pushing]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Built_image_keeps_the_script_executable_and_receives_the_MLflow_version()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var context = contexts.Busybox();
        if (context is null)
        {
            output.WriteLine("Skipped: busybox-static is not installed.");
            return;
        }
        var request = harness.Request(context, mlflowVersion: "3.1.4");

        var published = await new ImagePublisher(harness.PublisherOptions(log: log)).PublishAsync(request, CancellationToken.None);

        using var engine = new DockerClientBuilder().WithEndpoint(harness.EngineEndpoint).Build();
        var image = await engine.Images.InspectImageAsync($"{published.Repository}:{published.Tag}");
        Assert.Equal("3.1.4", image.Config!.Labels!["mlflow.version"]);
        Assert.Contains($"{published.Repository}@{published.Digest}", image.RepoDigests);
        using var layer = await engine.Images.SaveImageAsync($"{published.Repository}:{published.Tag}");
        var modes = await SavedImageModes.ReadAsync(layer);
        Assert.Equal("0755", modes["entrypoint.sh"]);
    }

    [Fact]
    public async Task Changing_a_context_file_gives_a_new_tag_and_a_new_build()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var context = contexts.Scratch("first");
        var request = harness.Request(context);
        var publisher = new ImagePublisher(harness.PublisherOptions(log: log));
        var before = await publisher.PublishAsync(request, CancellationToken.None);

        File.WriteAllText(Path.Combine(context, "hello.txt"), "second");
        var after = await publisher.PublishAsync(request, CancellationToken.None);

        Assert.NotEqual(before.Tag, after.Tag);
        Assert.NotEqual(before.Digest, after.Digest);
        Assert.True(after.Built);
        Assert.True(after.Pushed);
    }

    [Fact]
    public async Task A_token_the_emulator_never_issued_is_refused_by_the_registry_token_service()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var request = harness.Request(contexts.Scratch("refused"));
        var options = harness.PublisherOptions(_ => Task.FromResult("ya29.not-a-real-token"), log);

        var error = await PublishFailureAsync(request, options);

        Assert.Equal(ImagePublishStage.Registry, error.Stage);
        Assert.Equal(401, error.HttpStatus);
        Assert.Contains("The access token is invalid or expired.", error.Message);
    }

    [Fact]
    public async Task A_push_the_registry_refuses_is_reported_with_the_engines_message()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var request = harness.Request(contexts.Scratch("push refused"));
        var calls = 0;
        // A valid token for the tag check, then one the token service refuses when the engine pushes.
        Task<string> Token(CancellationToken _) =>
            Task.FromResult(Interlocked.Increment(ref calls) == 1 ? harness.AccessToken() : "ya29.revoked");
        var options = harness.PublisherOptions(Token, log);

        var error = await PublishFailureAsync(request, options);
        Assert.Equal(ImagePublishStage.Push, error.Stage);
        Assert.StartsWith($"Pushing {request.ImageRepository}:", error.Message);
        Assert.Contains("unauthorized", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cancelling_during_the_build_stops_it_and_a_rerun_finishes_the_work()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var request = harness.Request(contexts.Scratch("cancelled"));
        using var cancellation = new CancellationTokenSource();
        var options = harness.PublisherOptions(log: log);
        var report = options.Progress!;
        options.Progress = progress =>
        {
            report(progress);
            if (progress.Status.Contains("Step 1/", StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ImagePublisher(options).PublishAsync(request, cancellation.Token));
        var rerun = await new ImagePublisher(harness.PublisherOptions(log: log)).PublishAsync(request, CancellationToken.None);

        Assert.True(rerun.Pushed);
        Assert.Equal(await ServedManifestDigestAsync(request.RepositoryPath, rerun.Tag), rerun.Digest);
    }

    [Fact]
    public async Task A_failing_build_step_is_reported_with_the_engines_message()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var request = harness.Request(contexts.Scratch("x", "COPY missing.txt /missing.txt\n"));
        var options = harness.PublisherOptions(log: log);

        var error = await PublishFailureAsync(request, options);
        Assert.Equal(ImagePublishStage.Build, error.Stage);
        Assert.Contains("missing.txt", error.Message);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_is_reported_with_its_endpoint()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var deadSocket = OneClickMlflow.Prerequisites.DockerEngineProbe.EngineEndpoint(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "unix://" + Path.Combine(Path.GetTempPath(), Path.GetRandomFileName() + ".sock"),
        });
        var request = harness.Request(contexts.Scratch("no engine"));
        var options = new ImagePublisherOptions(deadSocket, _ => Task.FromResult(harness.AccessToken()));

        var error = await PublishFailureAsync(request, options);
        Assert.Equal(ImagePublishStage.Engine, error.Stage);
        Assert.Equal($"Cannot reach the Docker engine at {deadSocket}: no socket at {deadSocket.LocalPath}.", error.Message);
    }

    [Fact]
    public async Task An_engine_port_that_refuses_connections_is_reported_with_the_transports_message()
    {
        if (harness.Skip(output))
        {
            return;
        }
        var refused = new Uri("tcp://127.0.0.1:1");
        var request = harness.Request(contexts.Scratch("refused engine"));
        var options = new ImagePublisherOptions(refused, _ => Task.FromResult(harness.AccessToken()));

        var error = await PublishFailureAsync(request, options);
        Assert.Equal(ImagePublishStage.Engine, error.Stage);
        Assert.StartsWith($"Cannot reach the Docker engine at {refused}: ", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_engine_is_spoken_to_at_the_version_both_sides_support()
    {
        if (harness.Skip(output))
        {
            return;
        }
        using var probe = new DockerClientBuilder().WithEndpoint(harness.EngineEndpoint).Build();
        var engineVersion = Version.Parse((await probe.System.GetVersionAsync()).APIVersion);

        using var client = await DockerEngineConnector.ConnectAsync(harness.EngineEndpoint, log.Add, CancellationToken.None);
        await client.System.PingAsync();

        var expected = engineVersion < DockerEngineConnector.ClientMaxApiVersion ? engineVersion : DockerEngineConnector.ClientMaxApiVersion;
        Assert.Contains(log, line => line.EndsWith($"using API {expected}.", StringComparison.Ordinal));
    }

    private async Task<ImagePublishException> PublishFailureAsync(ImagePublishRequest request, ImagePublisherOptions options)
    {
        var error = await Assert.ThrowsAsync<ImagePublishException>(() => new ImagePublisher(options).PublishAsync(request, CancellationToken.None));
        output.WriteLine(error.Message);
        return error;
    }

    private Task<string> ServedManifestDigestAsync(string name, string tag) =>
        harness.Bed.ServedManifestDigestAsync(harness.AccessToken(), name, tag);
}
