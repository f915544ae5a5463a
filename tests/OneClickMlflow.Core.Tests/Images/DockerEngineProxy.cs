using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// A loopback HTTP hop in front of a real Docker engine (tcp://127.0.0.1:PORT): it records every request line the
/// module sends and can rewrite a small JSON answer, so a test sees what the engine was asked and can play an engine
/// of another kind. Streams pass through unbuffered; stopped with the test.
/// </summary>
internal sealed class DockerEngineProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient engine;
    private readonly List<string> requests = new();

    private DockerEngineProxy(WebApplication app, HttpClient engine)
    {
        this.app = app;
        this.engine = engine;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>"METHOD /path?query" of every request, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToList();
            }
        }
    }

    /// <param name="rewrite">Given "METHOD /path" and a JSON answer, the answer to send instead (or null to pass it on).</param>
    public static async Task<DockerEngineProxy> StartAsync(Uri unixEngine, Func<string, string, string?>? rewrite = null)
    {
        var socketPath = unixEngine.LocalPath;
        var engine = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://docker/"), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new DockerEngineProxy(app, engine);
        app.Run(context => proxy.ForwardAsync(context, rewrite));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Endpoint = new Uri("tcp://" + new Uri(address).Authority);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, Func<string, string, string?>? rewrite)
    {
        var path = context.Request.Path.Value + context.Request.QueryString.Value;
        lock (requests)
        {
            requests.Add($"{context.Request.Method} {path}");
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path.TrimStart('/'));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }
        foreach (var header in context.Request.Headers.Where(h => !IsHopHeader(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }
        using var response = await engine.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !IsHopHeader(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }
        if (rewrite != null && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
            var changed = rewrite($"{context.Request.Method} {context.Request.Path.Value}", text) ?? text;
            context.Response.Headers.ContentLength = Encoding.UTF8.GetByteCount(changed);
            await context.Response.WriteAsync(changed, context.RequestAborted);
            return;
        }
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static bool IsHopHeader(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        engine.Dispose();
    }
}
