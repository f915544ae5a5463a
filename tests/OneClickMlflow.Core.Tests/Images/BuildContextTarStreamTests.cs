using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using OneClickMlflow.Images;
using Xunit;

namespace OneClickMlflow.Tests.Images;

public sealed class BuildContextTarStreamTests : IDisposable
{
    private readonly ScratchDirectory scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void Archive_holds_every_file_with_its_bytes_in_path_order()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write("b/data.bin", new string('x', 1500));
        Write("a.txt", "");

        var entries = ReadArchive();

        Assert.Equal(new[] { "Dockerfile", "a.txt", "b/data.bin" }, entries.Keys);
        Assert.Equal(new string('x', 1500), entries["b/data.bin"].Content);
        Assert.Equal("", entries["a.txt"].Content);
    }

    [Fact]
    public void Scripts_with_a_shebang_are_executable_and_other_files_are_not()
    {
        Write("entrypoint.sh", "#!/bin/sh\nexec mlflow server\n");
        Write("requirements.txt", "mlflow\n");

        var entries = ReadArchive();

        Assert.Equal(Convert.ToInt32("755", 8), (int)entries["entrypoint.sh"].Mode);
        Assert.Equal(Convert.ToInt32("644", 8), (int)entries["requirements.txt"].Mode);
    }

    [Fact]
    public void A_path_longer_than_a_tar_header_holds_is_kept_whole()
    {
        var longPath = string.Join("/", Enumerable.Repeat("directory-name", 12)) + "/file.txt";
        Write(longPath, "deep");

        var entries = ReadArchive();

        Assert.Equal("deep", entries[longPath].Content);
    }

    [Fact]
    public void Reading_is_small_piece_by_small_piece_without_knowing_the_length()
    {
        Write("big.bin", new string('y', 300_000));
        using var stream = new BuildContextTarStream(BuildContextFiles.Enumerate(scratch.Root));

        var buffer = new byte[333];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
        }

        Assert.False(stream.CanSeek);
        Assert.Equal(0, total % 512);
        Assert.True(total >= 300_000 + 512 + 1024);
    }

    [Fact]
    public void A_file_that_grows_while_being_sent_is_cut_at_its_announced_length()
    {
        var path = scratch.Write("log.txt", "12345");
        using var stream = new BuildContextTarStream(BuildContextFiles.Enumerate(scratch.Root));
        var header = new byte[512];
        stream.ReadExactly(header);
        File.AppendAllText(path, "6789");
        using var rest = new MemoryStream();
        stream.CopyTo(rest);

        Assert.Equal("12345", System.Text.Encoding.ASCII.GetString(rest.ToArray(), 0, 5));
        Assert.Equal(0, rest.ToArray()[5]);
        Assert.Equal(512 + 1024, rest.Length);
    }

    [Fact]
    public void A_file_that_shrinks_while_being_sent_fails_naming_it()
    {
        var path = scratch.Write("data.txt", "123456789");
        using var stream = new BuildContextTarStream(BuildContextFiles.Enumerate(scratch.Root));
        stream.ReadExactly(new byte[512]);
        File.WriteAllText(path, "1");

        var error = Assert.Throws<IOException>(() => stream.CopyTo(Stream.Null));

        Assert.Contains(path, error.Message);
    }

    private Dictionary<string, (string Content, UnixFileMode Mode)> ReadArchive()
    {
        using var stream = new BuildContextTarStream(BuildContextFiles.Enumerate(scratch.Root));
        using var reader = new TarReader(stream);
        var entries = new Dictionary<string, (string, UnixFileMode)>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is null ? "" : new StreamReader(entry.DataStream).ReadToEnd();
            entries.Add(entry.Name, (content, entry.Mode));
        }
        return entries;
    }

    private void Write(string relativePath, string content) => scratch.Write(relativePath, content);
}
