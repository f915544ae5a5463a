using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Prerequisites;
using Xunit;

namespace OneClickMlflow.Tests.Prerequisites;

public sealed class DockerEngineProbeTests
{
    [Fact]
    public async Task Missing_socket_is_reported_as_unavailable_with_the_endpoint()
    {
        var socket = "unix://" + Path.Combine(Path.GetTempPath(), Path.GetRandomFileName() + ".sock");
        var probe = new DockerEngineProbe(new Dictionary<string, string> { ["DOCKER_HOST"] = socket });

        var result = await probe.ProbeAsync(CancellationToken.None);

        Assert.False(result.Available);
        Assert.Contains(socket, result.Status);
    }

    [Fact]
    public void Platform_default_endpoint_is_used_without_DOCKER_HOST()
    {
        var endpoint = DockerEngineProbe.EngineEndpoint(new Dictionary<string, string>());

        Assert.Equal(OperatingSystem.IsWindows() ? "npipe://./pipe/docker_engine" : "unix:///var/run/docker.sock", endpoint.OriginalString);
    }

    [Fact]
    public async Task Local_engine_answers_with_its_version()
    {
        if (!File.Exists("/var/run/docker.sock"))
        {
            return; // This machine has no local engine to ask.
        }
        var probe = new DockerEngineProbe(new Dictionary<string, string>());

        var result = await probe.ProbeAsync(CancellationToken.None);

        Assert.True(result.Available, result.Status);
        Assert.StartsWith("Docker ", result.Status);
    }
}
