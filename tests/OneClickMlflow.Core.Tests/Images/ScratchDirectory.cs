using System;
using System.IO;

namespace OneClickMlflow.Tests.Images;

/// <summary>A temp directory the test writes files into, deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ocm-files-").FullName;

    /// <summary>Writes a file (creating its folders) and returns its full path.</summary>
    public string Write(string relativePath, string content)
    {
        var full = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
