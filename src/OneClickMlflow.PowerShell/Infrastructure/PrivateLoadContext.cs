using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// On .NET, attaches the module's own assembly load context (OneClickMlflow.LoadContext.dll, built for .NET and
    /// kept in the dependencies folder). Reached by reflection, so this netstandard2.0 assembly also loads in
    /// Windows PowerShell, where AssemblyLoadContext does not exist.
    /// </summary>
    internal static class PrivateLoadContext
    {
        private const string AssemblyName = "OneClickMlflow.LoadContext";
        private const string TypeName = "OneClickMlflow.LoadContext.ModuleLoadContext";

        /// <summary>The attachment (dispose to detach), or null on .NET Framework.</summary>
        public static IDisposable? TryAttach(string dependencyFolder, string entryAssembly)
        {
            Type? contextType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
            if (contextType is null)
            {
                return null;
            }

            Type loadContext = LoadContextAssembly(contextType, dependencyFolder).GetType(TypeName, throwOnError: true)!;
            MethodInfo attach = loadContext.GetMethod("Attach", new[] { typeof(string), typeof(string) })!;
            return (IDisposable)attach.Invoke(null, new object[] { dependencyFolder, entryAssembly })!;
        }

        private static Assembly LoadContextAssembly(Type contextType, string dependencyFolder)
        {
            // Imported again (or another copy of the module): the default context already holds it.
            Assembly? loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == AssemblyName);
            if (loaded != null)
            {
                return loaded;
            }

            object defaultContext = contextType.GetProperty("Default")!.GetValue(null)!;
            MethodInfo loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
            return (Assembly)loadFromPath.Invoke(defaultContext, new object[] { Path.Combine(dependencyFolder, AssemblyName + ".dll") })!;
        }
    }
}
