using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace OneClickMlflow.Emulator.Recording;

/// <summary>
/// Keeps one exchange per API request: the request body is read first and handed to the handler from memory, and
/// the response body is copied as it is written. Only JSON bodies are kept (up to <see cref="MaxBodyBytes"/>).
/// </summary>
public static class ExchangeRecorder
{
    public const int MaxBodyBytes = 1 << 20;

    public static async Task RecordAsync(HttpContext context, ExchangeLog log, string api, Func<Task> handle)
    {
        var sequence = log.NextSequence();
        var time = DateTimeOffset.UtcNow;
        var request = context.Request;
        var query = request.QueryString.Value ?? "";
        var (requestLength, requestBody) = await ReadRequestAsync(request, context.RequestAborted);
        var original = context.Response.Body;
        await using var copy = new CopyingStream(original, MaxBodyBytes);
        context.Response.Body = copy;
        try
        {
            await handle();
        }
        finally
        {
            context.Response.Body = original;
            var response = context.Response;
            log.Add(new Exchange(
                sequence,
                time,
                request.Method,
                request.Path.Value ?? "/",
                SecretRedaction.RedactQuery(query),
                api,
                request.ContentType,
                requestLength,
                requestBody,
                context.RequestAborted.IsCancellationRequested && !response.HasStarted ? 0 : response.StatusCode,
                response.ContentType,
                copy.Length,
                IsJson(response.ContentType) && !copy.Truncated ? Redacted(copy.Captured) : null));
        }
    }

    /// <summary>Reads the whole body and puts it back as a fresh stream for the handler.</summary>
    private static async Task<(long Length, string? Body)> ReadRequestAsync(HttpRequest request, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, ct);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The connection went away mid-body: the handler sees what arrived and fails as it would have.
        }
        buffer.Position = 0;
        request.Body = buffer;
        if (buffer.Length == 0)
        {
            return (0, null);
        }
        var text = IsJson(request.ContentType) && buffer.Length <= MaxBodyBytes ? Redacted(buffer.ToArray()) : null;
        return (buffer.Length, text);
    }

    /// <summary>JSON by content type; a request without one is kept too (Google parses it as JSON).</summary>
    private static bool IsJson(string? contentType) =>
        contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    private static string Redacted(byte[] utf8) => SecretRedaction.RedactJson(Encoding.UTF8.GetString(utf8));

    /// <summary>Writes through to the response and keeps a copy of the first bytes.</summary>
    private sealed class CopyingStream : Stream
    {
        private readonly Stream inner;
        private readonly MemoryStream captured = new();
        private readonly int limit;

        public CopyingStream(Stream inner, int limit)
        {
            this.inner = inner;
            this.limit = limit;
        }

        public byte[] Captured => captured.ToArray();

        public bool Truncated { get; private set; }

        public override long Length => length;

        private long length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;

        public override long Position
        {
            get => length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            length += bytes.Length;
            var room = limit - (int)captured.Length;
            if (bytes.Length > room)
            {
                Truncated = true;
            }
            captured.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }
}
