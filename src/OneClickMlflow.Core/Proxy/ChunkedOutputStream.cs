using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Proxy
{
    /// <summary>Writes a body of unknown length to the client in HTTP/1.1 chunks; <see cref="FinishAsync"/> writes the last chunk.</summary>
    internal static class ChunkedOutput
    {
        private static readonly byte[] LastChunk = Encoding.ASCII.GetBytes("0\r\n\r\n");
        private static readonly byte[] Crlf = { (byte)'\r', (byte)'\n' };

        public static async Task WriteChunkAsync(Stream client, byte[] buffer, int count, CancellationToken cancellationToken)
        {
            var size = Encoding.ASCII.GetBytes(count.ToString("X", CultureInfo.InvariantCulture) + "\r\n");
            await client.WriteAsync(size, 0, size.Length, cancellationToken).ConfigureAwait(false);
            await client.WriteAsync(buffer, 0, count, cancellationToken).ConfigureAwait(false);
            await client.WriteAsync(Crlf, 0, Crlf.Length, cancellationToken).ConfigureAwait(false);
        }

        public static Task FinishAsync(Stream client, CancellationToken cancellationToken) =>
            client.WriteAsync(LastChunk, 0, LastChunk.Length, cancellationToken);
    }
}
