using System;
using System.Reflection;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>
    /// A System.Runtime.Loader.AssemblyLoadContext reached by reflection, so this netstandard2.0 assembly also
    /// loads in Windows PowerShell, where the type does not exist.
    /// </summary>
    internal sealed class PrivateLoadContext
    {
        private readonly object context;
        private readonly MethodInfo loadFromAssemblyPath;

        private PrivateLoadContext(object context, MethodInfo loadFromAssemblyPath)
        {
            this.context = context;
            this.loadFromAssemblyPath = loadFromAssemblyPath;
        }

        /// <summary>Null on .NET Framework.</summary>
        public static PrivateLoadContext? TryCreate(string name)
        {
            Type? contextType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
            ConstructorInfo? constructor = contextType?.GetConstructor(new[] { typeof(string), typeof(bool) });
            MethodInfo? load = contextType?.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
            if (constructor is null || load is null)
            {
                return null;
            }

            return new PrivateLoadContext(constructor.Invoke(new object[] { name, false }), load);
        }

        public Assembly LoadFromAssemblyPath(string path) => (Assembly)loadFromAssemblyPath.Invoke(context, new object[] { path });
    }
}
