using System;
using System.IO;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// Reads exactly the length a tar header announced: a file that grew is cut there, and one that shrank since
    /// the header was written fails clearly instead of leaving a corrupt archive.
    /// </summary>
    internal sealed class FixedLengthFileStream : ForwardOnlyStream
    {
        private readonly FileStream file;
        private readonly string path;
        private long remaining;

        public FixedLengthFileStream(string path, long length)
        {
            this.path = path;
            remaining = length;
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (remaining == 0 || count == 0)
            {
                return 0;
            }
            var read = file.Read(buffer, offset, (int)Math.Min(count, remaining));
            if (read == 0)
            {
                throw new IOException($"'{path}' became shorter while the build context was being sent; run the command again.");
            }
            remaining -= read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
