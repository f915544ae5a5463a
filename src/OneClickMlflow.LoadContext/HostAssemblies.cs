using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace OneClickMlflow.LoadContext
{
    /// <summary>
    /// The assemblies the host process was started with (the runtime's and PowerShell's own: the trusted platform
    /// assemblies of the default context). No module can replace them, so sharing them isolates as well as a copy
    /// would, and keeps one Span, IAsyncEnumerable or JsonElement type per process.
    /// </summary>
    internal static class HostAssemblies
    {
        private static readonly Lazy<Dictionary<string, string>> PathsByName = new(ReadTrustedPlatformAssemblies);
        private static readonly ConcurrentDictionary<string, Version?> Versions = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>True when the host has this assembly at the version asked for or a later one.</summary>
        public static bool Provides(AssemblyName requested)
        {
            if (requested.Name is null || !PathsByName.Value.TryGetValue(requested.Name, out var path))
            {
                return false;
            }

            var version = Versions.GetOrAdd(path, VersionOf);
            return version != null && (requested.Version is null || version >= requested.Version);
        }

        private static Version? VersionOf(string path)
        {
            try
            {
                return AssemblyName.GetAssemblyName(path).Version;
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static Dictionary<string, string> ReadTrustedPlatformAssemblies()
        {
            var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                paths[Path.GetFileNameWithoutExtension(path)] = path;
            }

            return paths;
        }
    }
}
