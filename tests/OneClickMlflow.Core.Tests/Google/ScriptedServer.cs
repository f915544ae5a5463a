using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests.Google;

/// <summary>A loopback HTTP server answering from a function, for API families the emulator does not serve.</summary>
public sealed class ScriptedServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<string, string, (int Status, string Body)> respond;
    private readonly List<string> requests = new();
    private readonly List<string> bodies = new();

    public ScriptedServer(Func<string, string, (int Status, string Body)> respond)
    {
        this.respond = respond;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(BaseUri.ToString());
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>"METHOD /path?query" of every request, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToArray();
            }
        }
    }

    /// <summary>The body of every request, in order.</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (requests)
            {
                return bodies.ToArray();
            }
        }
    }

    public void Dispose() => listener.Close();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException || e is ObjectDisposedException)
            {
                return;
            }
            var pathAndQuery = context.Request.Url!.PathAndQuery;
            using var reader = new System.IO.StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            lock (requests)
            {
                requests.Add(context.Request.HttpMethod + " " + pathAndQuery);
                bodies.Add(body);
            }
            var (status, answer) = respond(context.Request.HttpMethod, pathAndQuery);
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
