using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Loads the core and third-party assemblies from the module's dependencies folder so they never clash with
    /// versions another module (or PowerShell itself) already loaded. On .NET they go into a private
    /// AssemblyLoadContext; on .NET Framework they are loaded from their path. Import does nothing else.
    /// </summary>
    public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private const string DependencyFolderName = "dependencies";

        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", DependencyFolderName);

        private static readonly object Gate = new object();
        private static HashSet<string>? dependencyNames;
        private static PrivateLoadContext? loadContext;

        public void OnImport()
        {
            if (!Directory.Exists(DependencyFolder))
            {
                // Loaded from a build folder (tests): dependencies sit next to this assembly.
                return;
            }

            AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
        }

        private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
        {
            string? name = new AssemblyName(args.Name).Name;
            if (name is null || !IsDependency(name))
            {
                return null;
            }

            string path = Path.Combine(DependencyFolder, name + ".dll");
            lock (Gate)
            {
                loadContext ??= PrivateLoadContext.TryCreate("OneClickMlflow");
                return loadContext is null ? Assembly.LoadFrom(path) : loadContext.LoadFromAssemblyPath(path);
            }
        }

        private static bool IsDependency(string assemblyName)
        {
            lock (Gate)
            {
                if (dependencyNames is null)
                {
                    dependencyNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    foreach (string file in Directory.GetFiles(DependencyFolder, "*.dll"))
                    {
                        dependencyNames.Add(Path.GetFileNameWithoutExtension(file));
                    }
                }

                return dependencyNames.Contains(assemblyName);
            }
        }
    }
}
