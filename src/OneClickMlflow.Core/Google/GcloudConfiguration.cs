using System;
using System.Collections.Generic;
using System.IO;

namespace OneClickMlflow.Google
{
    /// <summary>
    /// gcloud's configuration as gcloud reads it: the active named configuration's INI file, with
    /// <c>CLOUDSDK_SECTION_NAME</c> environment variables taking precedence over the file.
    /// </summary>
    public sealed class GcloudConfiguration
    {
        private readonly IReadOnlyDictionary<string, string> environment;
        private readonly Dictionary<string, string> fileValues;

        private GcloudConfiguration(IReadOnlyDictionary<string, string> environment, string directory, string activeName,
            Dictionary<string, string> fileValues)
        {
            this.environment = environment;
            this.fileValues = fileValues;
            Directory = directory;
            ActiveConfigurationName = activeName;
        }

        /// <summary>gcloud's configuration directory (CLOUDSDK_CONFIG or the platform default).</summary>
        public string Directory { get; }

        public string ActiveConfigurationName { get; }

        /// <summary>Reads the configuration visible with this environment (no file is required to exist).</summary>
        public static GcloudConfiguration Load(IReadOnlyDictionary<string, string> environment)
        {
            var directory = ConfigDirectory(environment);
            var activeName = Value(environment, "CLOUDSDK_ACTIVE_CONFIG_NAME") ?? ReadActiveConfigName(directory) ?? "default";
            var file = Path.Combine(directory, "configurations", "config_" + activeName);
            var values = File.Exists(file) ? ParseIni(File.ReadAllText(file)) : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            return new GcloudConfiguration(environment, directory, activeName, values);
        }

        /// <summary>A property such as ("core", "project"): the environment variable wins over the file.</summary>
        public string? Get(string section, string name)
        {
            var fromEnvironment = Value(environment, ("CLOUDSDK_" + section + "_" + name).ToUpperInvariant());
            if (fromEnvironment != null)
            {
                return fromEnvironment;
            }
            return fileValues.TryGetValue(section + "/" + name, out var value) && value.Length > 0 ? value : null;
        }

        /// <summary>The platform default location of gcloud's configuration, or CLOUDSDK_CONFIG.</summary>
        public static string ConfigDirectory(IReadOnlyDictionary<string, string> environment)
        {
            var configured = Value(environment, "CLOUDSDK_CONFIG");
            if (configured != null)
            {
                return configured;
            }
            var appData = Value(environment, "APPDATA");
            if (appData != null && Path.DirectorySeparatorChar == '\\')
            {
                return Path.Combine(appData, "gcloud");
            }
            var home = Value(environment, "HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".config", "gcloud");
        }

        /// <summary>
        /// Every project named on this machine: CLOUDSDK_CORE_PROJECT and core/project of each named gcloud
        /// configuration, the active one first. Used for tab completion; reads local files only.
        /// </summary>
        public static IReadOnlyList<string> ConfiguredProjects(IReadOnlyDictionary<string, string> environment)
        {
            var projects = new List<string>();
            void AddProject(string? project)
            {
                if (!string.IsNullOrEmpty(project) && !projects.Contains(project!))
                {
                    projects.Add(project!);
                }
            }

            AddProject(Load(environment).Get("core", "project"));
            var configurations = Path.Combine(ConfigDirectory(environment), "configurations");
            if (System.IO.Directory.Exists(configurations))
            {
                var files = System.IO.Directory.GetFiles(configurations, "config_*");
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    ParseIni(File.ReadAllText(file)).TryGetValue("core/project", out var project);
                    AddProject(project);
                }
            }
            return projects;
        }

        internal static string? Value(IReadOnlyDictionary<string, string> environment, string name) =>
            environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        private static string? ReadActiveConfigName(string directory)
        {
            var path = Path.Combine(directory, "active_config");
            if (!File.Exists(path))
            {
                return null;
            }
            var name = File.ReadAllText(path).Trim();
            return name.Length > 0 ? name : null;
        }

        /// <summary>INI lines into "section/name" keys; comments start with # or ;.</summary>
        internal static Dictionary<string, string> ParseIni(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var section = "";
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }
                if (line[0] == '[' && line[line.Length - 1] == ']')
                {
                    section = line.Substring(1, line.Length - 2).Trim();
                    continue;
                }
                var separator = line.IndexOfAny(new[] { '=', ':' });
                if (separator > 0)
                {
                    values[section + "/" + line.Substring(0, separator).Trim()] = line.Substring(separator + 1).Trim();
                }
            }
            return values;
        }
    }
}
