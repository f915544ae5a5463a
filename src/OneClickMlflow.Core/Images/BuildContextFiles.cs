using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OneClickMlflow.Images
{
    /// <summary>One regular file of a build context: its path relative to the context ('/'-separated) and on disk.</summary>
    public sealed class BuildContextFile
    {
        public BuildContextFile(string relativePath, string fullPath)
        {
            RelativePath = relativePath;
            FullPath = fullPath;
        }

        public string RelativePath { get; }

        public string FullPath { get; }
    }

    /// <summary>The files of a context directory in ordinal order of their relative paths, so hashing and archiving never depend on the file system's enumeration order.</summary>
    public static class BuildContextFiles
    {
        public static IReadOnlyList<BuildContextFile> Enumerate(string contextDirectory)
        {
            var root = Path.GetFullPath(contextDirectory);
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"The image build context '{contextDirectory}' is not a directory.");
            }
            return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => new BuildContextFile(RelativePath(root, path), path))
                .OrderBy(file => file.RelativePath, StringComparer.Ordinal)
                .ToList();
        }

        private static string RelativePath(string root, string path) =>
            path.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .Replace(Path.DirectorySeparatorChar, '/');
    }
}
