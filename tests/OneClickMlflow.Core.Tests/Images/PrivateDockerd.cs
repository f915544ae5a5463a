using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Docker.DotNet;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// Debian's dockerd run as root with every path private to a temp directory (data, exec root, pid file, socket,
/// an empty config file), vfs storage and no iptables or bridge, so it touches nothing of the machine's.
/// </summary>
internal sealed class PrivateDockerd : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/dockerd";

    private readonly ChildProcess process;

    private PrivateDockerd(ChildProcess process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Why no private dockerd can run here, or null when it can.</summary>
    public static string? CannotStartReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a private dockerd needs Linux";
        }
        if (Environment.UserName != "root")
        {
            return "a private dockerd needs root";
        }
        return File.Exists(Executable) ? null : $"{Executable} is not installed (apt-get install docker.io)";
    }

    public static async Task<PrivateDockerd> StartAsync(string directory)
    {
        var socket = Path.Combine(directory, "docker.sock");
        var config = Path.Combine(directory, "daemon.json");
        await File.WriteAllTextAsync(config, "{}");
        var process = ChildProcess.Start(Executable, Path.Combine(directory, "dockerd.log"),
            "--config-file", config,
            "--data-root", Path.Combine(directory, "data"),
            "--exec-root", Path.Combine(directory, "exec"),
            "--pidfile", Path.Combine(directory, "docker.pid"),
            "--host", "unix://" + socket,
            "--storage-driver", "vfs",
            "--iptables=false",
            "--bridge=none");
        var dockerd = new PrivateDockerd(process, new Uri("unix://" + socket));
        try
        {
            await dockerd.WaitForPingAsync(TimeSpan.FromSeconds(60));
            return dockerd;
        }
        catch
        {
            await dockerd.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private async Task WaitForPingAsync(TimeSpan limit)
    {
        using var client = new DockerClientBuilder().WithEndpoint(Endpoint).WithTimeout(TimeSpan.FromSeconds(2)).Build();
        await process.WaitUntilReadyAsync("dockerd", limit, async () =>
        {
            await client.System.PingAsync();
            return true;
        });
    }
}
