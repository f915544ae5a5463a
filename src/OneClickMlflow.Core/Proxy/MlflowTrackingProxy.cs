using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Tokens;

namespace OneClickMlflow.Proxy
{
    /// <summary>
    /// A local HTTP proxy to a deployment's IAP-guarded tracking server, the equivalent of <c>gcloud run services proxy</c>:
    /// it listens on a loopback port and forwards every request to the tracking URL with a fresh IAP token, streaming
    /// bodies both ways and keeping connections to the server alive. It lives in the process that started it; every
    /// running proxy of the process is in <see cref="Running"/>.
    /// </summary>
    public sealed class MlflowTrackingProxy : IDisposable
    {
        private const int CopyBufferSize = 64 * 1024;
        private static readonly object RunningGate = new object();
        private static readonly List<MlflowTrackingProxy> RunningProxies = new List<MlflowTrackingProxy>();

        private readonly TrackingProxyOptions options;
        private readonly TcpListener listener;
        private readonly HttpClient upstream;
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly ConcurrentDictionary<TcpClient, bool> connections = new ConcurrentDictionary<TcpClient, bool>();
        private readonly TaskCompletionSource<bool> stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private long requestsServed;
        private long requestsFailed;

        private MlflowTrackingProxy(TrackingProxyOptions options, TcpListener listener)
        {
            this.options = options;
            this.listener = listener;
            var endpoint = (IPEndPoint)listener.LocalEndpoint;
            var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
            LocalUri = new UriBuilder("http", host.ToString(), endpoint.Port).Uri.AbsoluteUri.TrimEnd('/');
            upstream = new HttpClient(UpstreamHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            StartTime = DateTimeOffset.Now;
        }

        /// <summary>The proxies running in this process, oldest first.</summary>
        public static IReadOnlyList<MlflowTrackingProxy> Running
        {
            get
            {
                lock (RunningGate)
                {
                    return RunningProxies.ToList();
                }
            }
        }

        /// <summary>Where clients connect (MLFLOW_TRACKING_URI), without a trailing slash: http://127.0.0.1:PORT.</summary>
        public string LocalUri { get; }

        /// <summary>The tracking server requests are forwarded to.</summary>
        public string TrackingUri => options.TrackingUri.AbsoluteUri.TrimEnd('/');

        public string? ProjectId => options.ProjectId;

        /// <summary>The deployment's name, when the proxy was started for a deployment rather than a URL.</summary>
        public string? Name => options.DeploymentName;

        /// <summary>The account whose tokens the proxy sends.</summary>
        public string? ServiceAccount => options.ServiceAccount;

        public DateTimeOffset StartTime { get; }

        /// <summary>Requests answered by the tracking server (whatever their status).</summary>
        public long RequestsServed => Interlocked.Read(ref requestsServed);

        /// <summary>Requests the proxy itself had to refuse: unreadable, or no token or no answer from the server.</summary>
        public long RequestsFailed => Interlocked.Read(ref requestsFailed);

        /// <summary>How many times the token was renewed.</summary>
        public int TokenRenewals => options.Tokens.Renewals;

        public DateTimeOffset? TokenExpiresOn => options.Tokens.ExpiresOn;

        /// <summary>Why the last failed request failed (never a token).</summary>
        public string? LastError { get; private set; }

        public bool IsRunning => !stopping.IsCancellationRequested;

        /// <summary>Completes when the proxy has stopped.</summary>
        internal Task Completion => stopped.Task;

        /// <summary>Gets the first token, then listens; the proxy runs until <see cref="Stop"/>.</summary>
        public static async Task<MlflowTrackingProxy> StartAsync(TrackingProxyOptions options, CancellationToken cancellationToken)
        {
            if (!IPAddress.IsLoopback(options.ListenAddress) && !options.AllowRemoteClients)
            {
                throw new ArgumentException(
                    $"The proxy listens on loopback only; {options.ListenAddress} would let other machines use the tracking server as {options.ServiceAccount ?? "the proxy's account"}.",
                    nameof(options.ListenAddress));
            }
            await options.Tokens.StartAsync(cancellationToken).ConfigureAwait(false);
            var listener = new TcpListener(options.ListenAddress, options.Port);
            listener.Start();
            var proxy = new MlflowTrackingProxy(options, listener);
            lock (RunningGate)
            {
                RunningProxies.Add(proxy);
            }
            _ = Task.Run(proxy.AcceptLoopAsync);
            return proxy;
        }

        /// <summary>Stops listening, closes every client connection and releases what the proxy owns. Safe to call twice.</summary>
        public void Stop()
        {
            lock (RunningGate)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }
                stopping.Cancel();
                RunningProxies.Remove(this);
            }
            listener.Stop();
            foreach (var connection in connections.Keys)
            {
                connection.Close();
            }
            upstream.Dispose();
            options.Owned?.Dispose();
            stopped.TrySetResult(true);
        }

        public void Dispose() => Stop();

        public override string ToString() => $"{LocalUri} -> {TrackingUri}";

        private static HttpMessageHandler UpstreamHandler()
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            try
            {
                // .NET Framework allows two connections per server by default; parallel part uploads need more.
                handler.MaxConnectionsPerServer = 64;
            }
            catch (PlatformNotSupportedException)
            {
            }
            return handler;
        }

        private async Task AcceptLoopAsync()
        {
            while (!stopping.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue; // a client that went away while being accepted
                }
                connections[client] = true;
                _ = Task.Run(() => ServeConnectionAsync(client));
            }
        }

        private async Task ServeConnectionAsync(TcpClient client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                var reader = new HttpConnectionReader(stream);
                while (!stopping.IsCancellationRequested)
                {
                    HttpRequestHead? head;
                    try
                    {
                        head = await reader.ReadHeadAsync(stopping.Token).ConfigureAwait(false);
                    }
                    catch (BadRequestException e)
                    {
                        Fail(e.Message);
                        await WriteAnswerAsync(stream, e.Status, e.Message).ConfigureAwait(false);
                        return;
                    }
                    if (head == null || !await ForwardAsync(head, reader, stream).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException || e is OperationCanceledException)
            {
                // The client went away, or the proxy stopped: nothing to answer.
            }
            finally
            {
                connections.TryRemove(client, out _);
                client.Close();
            }
        }

        /// <summary>Forwards one request and writes the answer; false when the connection must close after it.</summary>
        private async Task<bool> ForwardAsync(HttpRequestHead head, HttpConnectionReader reader, Stream client)
        {
            RequestBodyStream? body;
            string target;
            try
            {
                body = RequestBodyStream.For(head, reader);
                target = OriginForm(head.Target);
            }
            catch (BadRequestException e)
            {
                Fail(e.Message);
                await WriteAnswerAsync(client, e.Status, e.Message).ConfigureAwait(false);
                return false;
            }
            if (body != null && head.HasToken("Expect", "100-continue"))
            {
                await WriteAsciiAsync(client, "HTTP/1.1 100 Continue\r\n\r\n").ConfigureAwait(false);
            }

            using var request = new HttpRequestMessage(new HttpMethod(head.Method), new Uri(options.TrackingUri.AbsoluteUri + target.Substring(1)));
            if (body != null)
            {
                request.Content = new StreamContent(body, CopyBufferSize);
                request.Content.Headers.ContentLength = body.DeclaredLength;
            }
            ProxyHeaders.CopyToUpstream(head, request);

            HttpResponseMessage response;
            try
            {
                IssuedToken token = await options.Tokens.GetAsync(stopping.Token).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
                response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                var reason = e is HttpRequestException || e is IOException
                    ? $"The tracking proxy could not reach {TrackingUri}: {Innermost(e).Message}"
                    : $"The tracking proxy could not get a token for {TrackingUri}: {Innermost(e).Message}";
                Fail(reason);
                await WriteAnswerAsync(client, 502, reason).ConfigureAwait(false);
                return false;
            }

            using (response)
            {
                Interlocked.Increment(ref requestsServed);
                // A body the server did not read (an early refusal) leaves the connection unusable for the next request.
                var keepAlive = head.KeepAlive && (body == null || body.Finished);
                var status = (int)response.StatusCode;
                var hasBody = head.Method != "HEAD" && status >= 200 && status != 204 && status != 304;
                var length = response.Content?.Headers.ContentLength;
                var chunked = hasBody && length == null && head.Version == "HTTP/1.1";
                if (hasBody && length == null && !chunked)
                {
                    keepAlive = false; // an HTTP/1.0 client learns the end of the body from the closed connection
                }

                var text = new StringBuilder();
                text.Append("HTTP/1.1 ").Append(status).Append(' ').Append(response.ReasonPhrase ?? "").Append("\r\n");
                foreach (var header in ProxyHeaders.FromUpstream(response))
                {
                    text.Append(header.Key).Append(": ").Append(RewriteHeader(header.Key, header.Value)).Append("\r\n");
                }
                if (length != null && (hasBody || head.Method == "HEAD"))
                {
                    text.Append("Content-Length: ").Append(length.Value).Append("\r\n");
                }
                else if (chunked)
                {
                    text.Append("Transfer-Encoding: chunked\r\n");
                }
                else if (hasBody)
                {
                    keepAlive = false;
                }
                if (!keepAlive)
                {
                    text.Append("Connection: close\r\n");
                }
                text.Append("\r\n");
                await WriteAsciiAsync(client, text.ToString()).ConfigureAwait(false);

                if (hasBody && response.Content != null)
                {
                    using var content = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    var buffer = new byte[CopyBufferSize];
                    int read;
                    while ((read = await content.ReadAsync(buffer, 0, buffer.Length, stopping.Token).ConfigureAwait(false)) > 0)
                    {
                        if (chunked)
                        {
                            await ChunkedOutput.WriteChunkAsync(client, buffer, read, stopping.Token).ConfigureAwait(false);
                        }
                        else
                        {
                            await client.WriteAsync(buffer, 0, read, stopping.Token).ConfigureAwait(false);
                        }
                    }
                    if (chunked)
                    {
                        await ChunkedOutput.FinishAsync(client, stopping.Token).ConfigureAwait(false);
                    }
                }
                await client.FlushAsync(stopping.Token).ConfigureAwait(false);
                return keepAlive;
            }
        }

        /// <summary>The path and query of a request target; an absolute-form target (a client configured to use an HTTP proxy) gives its own.</summary>
        private static string OriginForm(string target)
        {
            if (target.StartsWith("/", StringComparison.Ordinal))
            {
                return target;
            }
            if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && (absolute.Scheme == "http" || absolute.Scheme == "https"))
            {
                return absolute.PathAndQuery;
            }
            throw new BadRequestException("The request target must be a path such as /api/2.0/mlflow/experiments/search.");
        }

        /// <summary>A redirect to the tracking server is a redirect through the proxy, so that a browser stays on the local URI.</summary>
        private string RewriteHeader(string name, string value) =>
            string.Equals(name, "Location", StringComparison.OrdinalIgnoreCase) && value.StartsWith(options.TrackingUri.AbsoluteUri, StringComparison.Ordinal)
                ? LocalUri + "/" + value.Substring(options.TrackingUri.AbsoluteUri.Length)
                : value;

        private void Fail(string reason)
        {
            Interlocked.Increment(ref requestsFailed);
            LastError = reason;
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null)
            {
                e = e.InnerException;
            }
            return e;
        }

        private static async Task WriteAnswerAsync(Stream client, int status, string message)
        {
            var body = Encoding.UTF8.GetBytes(message + "\n");
            var reason = status == 400 ? "Bad Request" : status == 431 ? "Request Header Fields Too Large" : "Bad Gateway";
            await WriteAsciiAsync(client, $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n")
                .ConfigureAwait(false);
            await client.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
        }

        private static Task WriteAsciiAsync(Stream client, string text)
        {
            var bytes = HttpConnectionReader.HeaderEncoding.GetBytes(text);
            return client.WriteAsync(bytes, 0, bytes.Length);
        }
    }
}
