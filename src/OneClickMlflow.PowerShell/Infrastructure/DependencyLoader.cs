using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// Keeps the engine and its third-party assemblies (the dependencies folder) apart from every other module's.
    /// On .NET they live in the module's own assembly load context, which loads each of them from the folder before
    /// looking anywhere else; the default context is only told where the engine (OneClickMlflow.Core) is, so the
    /// module never hands its Polly, Google.Apis or Docker.DotNet to other code. On .NET Framework, which has a
    /// single context, a resolve handler answers only requests made by the module's own assemblies. Import does
    /// nothing else.
    /// </summary>
    public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private const string EntryAssembly = "OneClickMlflow.Core";

        private static readonly string ModuleFolder =
            Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".";

        private static readonly string DependencyFolder = Path.Combine(ModuleFolder, "dependencies");

        // What only Windows PowerShell loads: the polyfills .NET Framework lacks and PowerShell 7 ships itself.
        private static readonly string DesktopFolder = Path.Combine(DependencyFolder, "desktop");

        private static readonly object Gate = new object();
        private static IDisposable? attachment;
        private static bool netFrameworkHandler;

        public void OnImport()
        {
            if (!Directory.Exists(DependencyFolder))
            {
                // Loaded from a build folder (tests): dependencies sit next to this assembly.
                return;
            }

            lock (Gate)
            {
                attachment ??= PrivateLoadContext.TryAttach(DependencyFolder, EntryAssembly);
                if (attachment is null && !netFrameworkHandler)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
                    netFrameworkHandler = true;
                }
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            lock (Gate)
            {
                attachment?.Dispose();
                attachment = null;
                if (netFrameworkHandler)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnNetFramework;
                    netFrameworkHandler = false;
                }
            }
        }

        /// <summary>
        /// .NET Framework: a request from one of the module's own assemblies (they ask for versions the folder does
        /// not hold exactly, e.g. System.Runtime.CompilerServices.Unsafe 4.0.4.1 where 6.0.0.0 ships) gets the
        /// module's copy. Any other requester, or an unknown one, is left to the runtime.
        /// </summary>
        private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
        {
            string? requester = args.RequestingAssembly?.Location;
            string? name = new AssemblyName(args.Name).Name;
            if (name is null || string.IsNullOrEmpty(requester) || !IsInModule(requester!))
            {
                return null;
            }

            foreach (string folder in new[] { DependencyFolder, DesktopFolder })
            {
                string path = Path.Combine(folder, name + ".dll");
                if (File.Exists(path))
                {
                    return Assembly.LoadFrom(path);
                }
            }

            return null;
        }

        private static bool IsInModule(string path) =>
            Path.GetFullPath(path).StartsWith(Path.GetFullPath(ModuleFolder) + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);
    }
}
