using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests.Images;

/// <summary>A daemon the harness started, its output in a log file; stopped with SIGTERM, then killed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process process;

    private ChildProcess(Process process, string logPath)
    {
        this.process = process;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public bool HasExited => process.HasExited;

    public static ChildProcess Start(string fileName, string logPath, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (gate) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, logPath);
    }

    /// <summary>The last lines of the log, for a failure message.</summary>
    public string LogTail()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var lines = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join("\n", lines[Math.Max(0, lines.Length - 15)..]);
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>Polls <paramref name="ready"/> until it says yes; fails at once if the process exits, and after <paramref name="limit"/> with the log tail.</summary>
    public async Task WaitUntilReadyAsync(string name, TimeSpan limit, Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow + limit;
        var lastError = "";
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited while starting:\n{LogTail()}");
            }
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e)
            {
                lastError = e.Message;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{name} was not ready within {limit.TotalSeconds} s: {lastError}\n{LogTail()}");
            }
            await Task.Delay(150);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            kill(process.Id, SigTerm);
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(15))) != exited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
