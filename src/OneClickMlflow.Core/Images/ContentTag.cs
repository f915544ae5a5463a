using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// The image tag derived from what goes into the image: every context file's relative path and bytes, the
    /// build arguments, the MLflow version and the platform it is built for. Same inputs, same tag, whatever the enumeration order or timestamps.
    /// </summary>
    public static class ContentTag
    {
        /// <summary>Hex characters kept from the sha256 (64 bits: collisions are not a practical concern).</summary>
        public const int Length = 16;

        public static string Compute(string contextDirectory, IReadOnlyDictionary<string, string>? buildArguments, string? mlflowVersion,
            string platform = ImagePublishRequest.LinuxAmd64) =>
            Compute(BuildContextFiles.Enumerate(contextDirectory), buildArguments, mlflowVersion, platform);

        public static string Compute(IReadOnlyList<BuildContextFile> files, IReadOnlyDictionary<string, string>? buildArguments, string? mlflowVersion,
            string platform = ImagePublishRequest.LinuxAmd64)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            foreach (var file in files)
            {
                using var stream = File.OpenRead(file.FullPath);
                AppendField(sha, "file", file.RelativePath, stream.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                }
            }
            foreach (var argument in (buildArguments ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                AppendField(sha, "arg", argument.Key, argument.Value);
            }
            AppendField(sha, "mlflow", mlflowVersion ?? "");
            AppendField(sha, "platform", platform);
            var hash = sha.GetHashAndReset();
            return string.Concat(hash.Select(b => b.ToString("x2"))).Substring(0, Length);
        }

        // NUL-separated, so ("ab", "c") and ("a", "bc") never hash alike.
        private static void AppendField(IncrementalHash sha, params string[] parts)
        {
            var bytes = Encoding.UTF8.GetBytes(string.Join("\0", parts) + "\0");
            sha.AppendData(bytes);
        }
    }
}
