using System;
using System.Collections.Generic;
using System.IO;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// A read-only, forward-only tar of a build context, produced while it is read: one file is open at a time and
    /// nothing is buffered beyond a header, so a large context never sits in memory. Files starting with "#!" get
    /// mode 0755 (entrypoint scripts stay executable whatever the host's file system), the others 0644.
    /// </summary>
    public sealed class BuildContextTarStream : ForwardOnlyStream
    {
        private readonly IEnumerator<Func<Stream>> segments;
        private Stream? current;
        private long position;

        public BuildContextTarStream(IReadOnlyList<BuildContextFile> files)
        {
            segments = Segments(files).GetEnumerator();
        }

        /// <summary>Bytes produced so far.</summary>
        public long BytesRead => position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0)
            {
                return 0; // Not the end: an empty segment is only skipped when a real read finds it empty.
            }
            while (true)
            {
                if (current == null)
                {
                    if (!segments.MoveNext())
                    {
                        return 0;
                    }
                    current = segments.Current();
                }
                var read = current.Read(buffer, offset, count);
                if (read > 0)
                {
                    position += read;
                    return read;
                }
                current.Dispose();
                current = null;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                current?.Dispose();
                segments.Dispose();
            }
            base.Dispose(disposing);
        }

        private static IEnumerable<Func<Stream>> Segments(IReadOnlyList<BuildContextFile> files)
        {
            foreach (var file in files)
            {
                var size = new FileInfo(file.FullPath).Length;
                var header = TarHeader.ForFile(file.RelativePath, size, StartsWithShebang(file.FullPath));
                yield return () => new MemoryStream(header, writable: false);
                yield return () => new FixedLengthFileStream(file.FullPath, size);
                yield return () => new MemoryStream(new byte[TarHeader.Padding(size)], writable: false);
            }
            // The end of an archive: two zero blocks.
            yield return () => new MemoryStream(new byte[2 * TarHeader.BlockSize], writable: false);
        }

        private static bool StartsWithShebang(string path)
        {
            using var stream = File.OpenRead(path);
            return stream.ReadByte() == '#' && stream.ReadByte() == '!';
        }
    }
}
