using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using OneClickMlflow.Images;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Images;

/// <summary>App Engine and Cloud Run run x86-64: the image is built for linux/amd64 whatever the engine, and an engine that cannot is refused.</summary>
[Collection(ImageHarnessCollection.Name)]
public sealed class ImagePlatformTests : IDisposable
{
    private readonly ImageHarness harness;
    private readonly ITestOutputHelper output;
    private readonly TestContexts contexts = new();

    public ImagePlatformTests(ImageHarness harness, ITestOutputHelper output)
    {
        this.harness = harness;
        this.output = output;
    }

    public void Dispose() => contexts.Dispose();

    private ImagePublisherOptions Through(DockerEngineProxy proxy) =>
        new(proxy.Endpoint, _ => Task.FromResult(harness.AccessToken()));

    [Fact]
    public void The_platform_is_part_of_the_content_tag()
    {
        var context = contexts.Scratch("platform tag");

        Assert.NotEqual(ContentTag.Compute(context, null, "3.1.0", "linux/amd64"), ContentTag.Compute(context, null, "3.1.0", "linux/arm64"));
        Assert.Equal(ContentTag.Compute(context, null, "3.1.0"), ContentTag.Compute(context, null, "3.1.0", ImagePublishRequest.LinuxAmd64));
    }

    [Fact]
    public async Task The_engine_is_asked_for_linux_amd64_and_the_pushed_image_is_amd64()
    {
        if (harness.Skip(output))
        {
            return;
        }
        await using var proxy = await DockerEngineProxy.StartAsync(harness.EngineEndpoint);
        var request = harness.Request(contexts.Scratch("amd64 build"));

        var result = await new ImagePublisher(Through(proxy)).PublishAsync(request, CancellationToken.None);

        var build = Assert.Single(proxy.Requests, r => r.Contains("/build?", StringComparison.Ordinal));
        Assert.Contains("platform=linux%2Famd64", build);
        using var engine = new DockerClientBuilder().WithEndpoint(harness.EngineEndpoint).Build();
        var image = await engine.Images.InspectImageAsync(result.Repository + ":" + result.Tag);
        Assert.Equal(("linux", "amd64"), (image.Os, image.Architecture));
    }

    [Fact]
    public async Task An_engine_of_windows_containers_is_refused_before_anything_is_built()
    {
        if (harness.Skip(output))
        {
            return;
        }
        await using var proxy = await DockerEngineProxy.StartAsync(harness.EngineEndpoint, (call, json) =>
            call.EndsWith("/version", StringComparison.Ordinal) ? Set(json, "Os", "windows") : null);
        var request = harness.Request(contexts.Scratch("windows engine"));

        var error = await Assert.ThrowsAsync<ImagePublishException>(() => new ImagePublisher(Through(proxy)).PublishAsync(request, CancellationToken.None));

        Assert.Equal(ImagePublishStage.Engine, error.Stage);
        Assert.Contains("runs windows containers", error.Message);
        Assert.Contains("linux/amd64", error.Message);
        Assert.DoesNotContain(proxy.Requests, r => r.Contains("/build", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_built_for_another_architecture_is_refused_and_never_pushed()
    {
        if (harness.Skip(output))
        {
            return;
        }
        await using var proxy = await DockerEngineProxy.StartAsync(harness.EngineEndpoint, (call, json) =>
            call.StartsWith("GET", StringComparison.Ordinal) && call.Contains("/images/", StringComparison.Ordinal) && call.EndsWith("/json", StringComparison.Ordinal)
                ? Set(json, "Architecture", "arm64")
                : null);
        var request = harness.Request(contexts.Scratch("arm64 build"));

        var error = await Assert.ThrowsAsync<ImagePublishException>(() => new ImagePublisher(Through(proxy)).PublishAsync(request, CancellationToken.None));

        Assert.Contains("for linux/arm64, not linux/amd64", error.Message);
        Assert.DoesNotContain(proxy.Requests, r => r.Contains("/push", StringComparison.Ordinal));
    }

    private static string Set(string json, string field, string value)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node[field] = value;
        return node.ToJsonString();
    }
}
