using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace OneClickMlflow.LoadContext
{
    /// <summary>
    /// Holds the module's engine and third-party assemblies apart from every other module. A dependency is loaded
    /// from the module's dependencies folder before anything else is consulted, so another module's Polly.Core,
    /// Google.Apis or Docker.DotNet in the default context is never seen. What the host itself ships (the .NET
    /// runtime and PowerShell's own assemblies, fixed when the process starts) is shared when its version is at least
    /// the one asked for; the desktop folder (the polyfills Windows PowerShell needs) is the fallback for a host
    /// whose copy is older.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private const string DesktopFolderName = "desktop";

        // One context per dependencies folder for the life of the process: assemblies cannot be unloaded from a
        // non-collectible context, so a module imported again must find the same one.
        private static readonly ConcurrentDictionary<string, ModuleLoadContext> Contexts = new(StringComparer.Ordinal);

        private readonly string dependencyFolder;
        private readonly string desktopFolder;

        private ModuleLoadContext(string dependencyFolder)
            : base("OneClickMlflow", isCollectible: false)
        {
            this.dependencyFolder = dependencyFolder;
            desktopFolder = Path.Combine(dependencyFolder, DesktopFolderName);
        }

        /// <summary>
        /// Makes <paramref name="entryAssembly"/> (the engine the cmdlets call) resolvable from the default context,
        /// through this module's context. Nothing else is ever handed to the default context. Dispose to detach.
        /// </summary>
        public static IDisposable Attach(string dependencyFolder, string entryAssembly)
        {
            var context = Contexts.GetOrAdd(Path.GetFullPath(dependencyFolder), folder => new ModuleLoadContext(folder));
            return new EntryAssemblyBridge(context, entryAssembly);
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is not { } name)
            {
                return null;
            }

            string own = Path.Combine(dependencyFolder, name + ".dll");
            if (File.Exists(own))
            {
                return LoadFromAssemblyPath(own);
            }

            if (HostAssemblies.Provides(assemblyName))
            {
                return null;
            }

            string fallback = Path.Combine(desktopFolder, name + ".dll");
            return File.Exists(fallback) ? LoadFromAssemblyPath(fallback) : null;
        }

        private sealed class EntryAssemblyBridge : IDisposable
        {
            private readonly ModuleLoadContext context;
            private readonly string entryAssembly;

            public EntryAssemblyBridge(ModuleLoadContext context, string entryAssembly)
            {
                this.context = context;
                this.entryAssembly = entryAssembly;
                Default.Resolving += Resolve;
            }

            public void Dispose() => Default.Resolving -= Resolve;

            private Assembly? Resolve(AssemblyLoadContext requester, AssemblyName assemblyName) =>
                string.Equals(assemblyName.Name, entryAssembly, StringComparison.Ordinal)
                    ? context.LoadFromAssemblyName(assemblyName)
                    : null;
        }
    }
}
