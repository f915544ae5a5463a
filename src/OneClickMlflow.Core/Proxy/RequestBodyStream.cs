using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Proxy
{
    /// <summary>
    /// A request body read from the client connection as it arrives: exactly Content-Length bytes, or the chunks of a
    /// chunked body, decoded. Never buffered whole: the upstream request reads it as it sends.
    /// </summary>
    internal sealed class RequestBodyStream : Stream
    {
        private readonly HttpConnectionReader reader;
        private readonly bool chunked;
        private long remaining;
        private bool finished;

        private RequestBodyStream(HttpConnectionReader reader, bool chunked, long length)
        {
            this.reader = reader;
            this.chunked = chunked;
            remaining = chunked ? 0 : length;
            finished = !chunked && length == 0;
        }

        /// <summary>The body the head announces (null when it has none), or a 400 for a framing the proxy refuses.</summary>
        public static RequestBodyStream? For(HttpRequestHead head, HttpConnectionReader reader)
        {
            var transferEncoding = head.Header("Transfer-Encoding");
            var contentLength = head.Header("Content-Length");
            if (transferEncoding != null)
            {
                // RFC 9112 6.1: chunked must be the final coding; with Content-Length too the request is a smuggling risk.
                if (!string.Equals(transferEncoding.Trim(), "chunked", StringComparison.OrdinalIgnoreCase) || contentLength != null)
                {
                    throw new BadRequestException("Only 'Transfer-Encoding: chunked' without Content-Length is accepted.");
                }
                return new RequestBodyStream(reader, chunked: true, 0);
            }
            if (contentLength == null)
            {
                return null;
            }
            if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new BadRequestException("Content-Length is not a whole number.");
            }
            return length == 0 ? null : new RequestBodyStream(reader, chunked: false, length);
        }

        /// <summary>The length when the client gave one; null for a chunked body.</summary>
        public long? DeclaredLength => chunked ? (long?)null : remaining;

        /// <summary>Whether every byte of the body has been read (so the connection can carry the next request).</summary>
        public bool Finished => finished;

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (finished || count == 0)
            {
                return 0;
            }
            if (chunked && remaining == 0)
            {
                remaining = await NextChunkSizeAsync(cancellationToken).ConfigureAwait(false);
                if (remaining == 0)
                {
                    await SkipTrailersAsync(cancellationToken).ConfigureAwait(false);
                    finished = true;
                    return 0;
                }
            }
            var read = await reader.ReadAsync(buffer, offset, (int)Math.Min(count, remaining), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The client closed the connection before the end of the request body.");
            }
            remaining -= read;
            if (remaining == 0)
            {
                if (chunked)
                {
                    if (await reader.ReadLineAsync(2, cancellationToken).ConfigureAwait(false) != "")
                    {
                        throw new IOException("A chunk of the request body does not end with CRLF.");
                    }
                }
                else
                {
                    finished = true;
                }
            }
            return read;
        }

        /// <summary>Reads and drops what is left of the body, up to <paramref name="limit"/> bytes; false when more was left.</summary>
        public async Task<bool> DrainAsync(long limit, CancellationToken cancellationToken)
        {
            var scratch = new byte[16 * 1024];
            long drained = 0;
            while (!finished)
            {
                if (drained > limit)
                {
                    return false;
                }
                drained += await ReadAsync(scratch, 0, scratch.Length, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }

        private async Task<long> NextChunkSizeAsync(CancellationToken cancellationToken)
        {
            var line = await reader.ReadLineAsync(1024, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("The client closed the connection inside a chunked body.");
            var semicolon = line.IndexOf(';'); // chunk extensions are allowed and ignored
            var size = (semicolon < 0 ? line : line.Substring(0, semicolon)).Trim();
            if (size.Length == 0 || size.Length > 15 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new IOException("A chunk size of the request body is not a hexadecimal number.");
            }
            return value;
        }

        private async Task SkipTrailersAsync(CancellationToken cancellationToken)
        {
            string? line;
            do
            {
                line = await reader.ReadLineAsync(HttpConnectionReader.MaxHeaderBytes, cancellationToken).ConfigureAwait(false);
            }
            while (!string.IsNullOrEmpty(line));
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
