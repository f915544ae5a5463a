using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// ustar headers for regular files, with a PAX record when the path does not fit. Owner 0:0 and a fixed mtime,
    /// so the archive of a context depends on its content only.
    /// </summary>
    internal static class TarHeader
    {
        public const int BlockSize = 512;
        private const int NameLength = 100;
        private const long MaxSize = 077777777777L;

        /// <summary>The header block(s) of a regular file: a PAX header and its record first when the path is long.</summary>
        public static byte[] ForFile(string relativePath, long size, bool executable)
        {
            if (size > MaxSize)
            {
                throw new IOException($"'{relativePath}' is larger than the 8 GiB a tar header can describe.");
            }
            var nameBytes = Encoding.UTF8.GetBytes(relativePath);
            var output = new MemoryStream();
            if (nameBytes.Length > NameLength)
            {
                var record = PaxRecord("path", relativePath);
                output.Write(Block("PaxHeaders/" + Shorten(relativePath), record.Length, "0000644", 'x'), 0, BlockSize);
                output.Write(record, 0, record.Length);
                output.Write(new byte[Padding(record.Length)], 0, Padding(record.Length));
            }
            output.Write(Block(relativePath, size, executable ? "0000755" : "0000644", '0'), 0, BlockSize);
            return output.ToArray();
        }

        /// <summary>Zero bytes that round <paramref name="size"/> up to a whole block.</summary>
        public static int Padding(long size) => (int)((BlockSize - size % BlockSize) % BlockSize);

        private static byte[] Block(string name, long size, string mode, char type)
        {
            var block = new byte[BlockSize];
            Put(block, 0, NameLength, Shorten(name));
            Put(block, 100, 8, mode);
            Put(block, 108, 8, "0000000");
            Put(block, 116, 8, "0000000");
            Put(block, 124, 12, Convert.ToString(size, 8).PadLeft(11, '0'));
            Put(block, 136, 12, "00000000000");
            block[156] = (byte)type;
            Put(block, 257, 6, "ustar");
            Put(block, 263, 2, "00");
            for (var i = 148; i < 156; i++)
            {
                block[i] = (byte)' ';
            }
            var checksum = 0;
            foreach (var b in block)
            {
                checksum += b;
            }
            Put(block, 148, 7, Convert.ToString(checksum, 8).PadLeft(6, '0'));
            return block;
        }

        // "LEN key=value\n", where LEN counts its own digits too.
        private static byte[] PaxRecord(string key, string value)
        {
            var body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
            var length = body + 1;
            while (length.ToString(CultureInfo.InvariantCulture).Length + body != length)
            {
                length = length.ToString(CultureInfo.InvariantCulture).Length + body;
            }
            return Encoding.UTF8.GetBytes($"{length} {key}={value}\n");
        }

        private static string Shorten(string name)
        {
            while (Encoding.UTF8.GetByteCount(name) > NameLength)
            {
                name = name.Substring(0, name.Length - 1);
            }
            return name;
        }

        private static void Put(byte[] block, int offset, int length, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Array.Copy(bytes, 0, block, offset, Math.Min(bytes.Length, length));
        }
    }
}
