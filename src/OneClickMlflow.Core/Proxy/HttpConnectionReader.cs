using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Proxy
{
    /// <summary>A request line and its header fields, as a client sent them (HTTP/1.x).</summary>
    internal sealed class HttpRequestHead
    {
        public HttpRequestHead(string method, string target, string version, List<KeyValuePair<string, string>> headers)
        {
            Method = method;
            Target = target;
            Version = version;
            Headers = headers;
        }

        public string Method { get; }

        /// <summary>The origin-form target: the path and query the client asked for.</summary>
        public string Target { get; }

        public string Version { get; }

        public List<KeyValuePair<string, string>> Headers { get; }

        public string? Header(string name)
        {
            string? found = null;
            foreach (var header in Headers)
            {
                if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = found == null ? header.Value : found + ", " + header.Value;
                }
            }
            return found;
        }

        public bool HasToken(string name, string token)
        {
            var value = Header(name);
            if (value == null)
            {
                return false;
            }
            foreach (var part in value.Split(','))
            {
                if (string.Equals(part.Trim(), token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it.</summary>
        public bool KeepAlive => Version == "HTTP/1.1" ? !HasToken("Connection", "close") : HasToken("Connection", "keep-alive");
    }

    /// <summary>Thrown for a request the proxy cannot read; the connection answers 400 (or 431) and closes.</summary>
    internal sealed class BadRequestException : Exception
    {
        public BadRequestException(string message, int status = 400) : base(message)
        {
            Status = status;
        }

        public int Status { get; }
    }

    /// <summary>
    /// Buffered reading of one client connection: header lines, then body bytes from the same buffer, so that a body
    /// that arrived with its headers is not lost.
    /// </summary>
    internal sealed class HttpConnectionReader
    {
        public const int MaxHeaderBytes = 64 * 1024;

        /// <summary>Header fields are octets; ISO-8859-1 keeps each one as it is (RFC 9110 5.5).</summary>
        public static readonly Encoding HeaderEncoding = Encoding.GetEncoding(28591);
        private const int MaxHeaderCount = 200;

        private readonly Stream stream;
        private readonly byte[] buffer = new byte[16 * 1024];
        private int start;
        private int end;

        public HttpConnectionReader(Stream stream)
        {
            this.stream = stream;
        }

        /// <summary>The next request's head, or null when the client closed the connection between requests.</summary>
        public async Task<HttpRequestHead?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var budget = MaxHeaderBytes;
            string? requestLine;
            do
            {
                requestLine = await ReadLineAsync(budget, cancellationToken).ConfigureAwait(false);
                if (requestLine == null)
                {
                    return null;
                }
                budget -= requestLine.Length + 2;
            }
            while (requestLine.Length == 0); // RFC 9112 2.2: empty lines before a request line are ignored

            var parts = requestLine.Split(' ');
            if (parts.Length != 3 || parts[0].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                throw new BadRequestException("The request line is not an HTTP/1.x request line.");
            }
            var headers = new List<KeyValuePair<string, string>>();
            while (true)
            {
                var line = await ReadLineAsync(budget, cancellationToken).ConfigureAwait(false)
                    ?? throw new BadRequestException("The connection closed inside the request's headers.");
                budget -= line.Length + 2;
                if (line.Length == 0)
                {
                    break;
                }
                var colon = line.IndexOf(':');
                if (colon <= 0 || line[0] == ' ' || line[0] == '\t' || line[colon - 1] == ' ')
                {
                    throw new BadRequestException("A header line is malformed.");
                }
                if (headers.Count == MaxHeaderCount)
                {
                    throw new BadRequestException("The request has too many header fields.", 431);
                }
                headers.Add(new KeyValuePair<string, string>(line.Substring(0, colon), line.Substring(colon + 1).Trim()));
            }
            return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
        }

        /// <summary>A line without its CRLF (a bare LF is accepted too); null at end of stream before any byte.</summary>
        public async Task<string?> ReadLineAsync(int limit, CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (start == end)
                {
                    if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (line.Length == 0)
                        {
                            return null;
                        }
                        throw new BadRequestException("The connection closed inside a line.");
                    }
                }
                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                var take = (newline < 0 ? end : newline) - start;
                if (line.Length + take > limit)
                {
                    throw new BadRequestException("The request's header section is larger than 64 KiB.", 431);
                }
                line.Append(HeaderEncoding.GetString(buffer, start, take));
                if (newline >= 0)
                {
                    start = newline + 1;
                    if (line.Length > 0 && line[line.Length - 1] == '\r')
                    {
                        line.Length--;
                    }
                    return line.ToString();
                }
                start = end;
            }
        }

        /// <summary>Up to <paramref name="count"/> bytes: what is buffered first, then one read of the connection.</summary>
        public async Task<int> ReadAsync(byte[] destination, int offset, int count, CancellationToken cancellationToken)
        {
            if (count == 0)
            {
                return 0;
            }
            if (start == end)
            {
                if (count >= buffer.Length)
                {
                    return await stream.ReadAsync(destination, offset, count, cancellationToken).ConfigureAwait(false);
                }
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }
            }
            var taken = Math.Min(count, end - start);
            Buffer.BlockCopy(buffer, start, destination, offset, taken);
            start += taken;
            return taken;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            start = 0;
            end = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            return end > 0;
        }
    }
}
