using System;
using System.Collections.Generic;
using System.IO;
using OneClickMlflow.Images;
using Xunit;

namespace OneClickMlflow.Tests.Images;

public sealed class ContentTagTests : IDisposable
{
    private readonly ScratchDirectory scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void Same_files_written_in_another_order_at_other_times_give_the_same_tag()
    {
        var first = Write("a", ("Dockerfile", "FROM scratch"), ("app/run.sh", "#!/bin/sh"), ("b.txt", "bee"));
        var second = Write("b", ("b.txt", "bee"), ("app/run.sh", "#!/bin/sh"), ("Dockerfile", "FROM scratch"));
        File.SetLastWriteTimeUtc(Path.Combine(second, "b.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(Tag(first), Tag(second));
    }

    [Fact]
    public void Tag_is_sixteen_lowercase_hex_characters()
    {
        var tag = Tag(Write("a", ("Dockerfile", "FROM scratch")));

        Assert.Matches("^[0-9a-f]{16}$", tag);
    }

    [Fact]
    public void A_changed_byte_a_renamed_file_an_argument_or_the_MLflow_version_each_change_the_tag()
    {
        var baseline = Tag(Write("base", ("Dockerfile", "FROM scratch"), ("x.txt", "one")));

        var tags = new[]
        {
            Tag(Write("byte", ("Dockerfile", "FROM scratch"), ("x.txt", "onE"))),
            Tag(Write("name", ("Dockerfile", "FROM scratch"), ("y.txt", "one"))),
            Tag(Write("base2", ("Dockerfile", "FROM scratch"), ("x.txt", "one")), new Dictionary<string, string> { ["EXTRA"] = "1" }),
            Tag(Write("base3", ("Dockerfile", "FROM scratch"), ("x.txt", "one")), mlflowVersion: "2.22.1"),
        };

        Assert.All(tags, tag => Assert.NotEqual(baseline, tag));
        Assert.Equal(tags.Length, new HashSet<string>(tags).Count);
    }

    [Fact]
    public void Moving_bytes_between_a_path_and_its_content_changes_the_tag()
    {
        Assert.NotEqual(Tag(Write("p", ("ab", "c"))), Tag(Write("q", ("a", "bc"))));
    }

    private static string Tag(string directory, IReadOnlyDictionary<string, string>? arguments = null, string mlflowVersion = "2.22.0") =>
        ContentTag.Compute(directory, arguments, mlflowVersion);

    private string Write(string name, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            scratch.Write(Path.Combine(name, path), content);
        }
        return Path.Combine(scratch.Root, name);
    }
}
