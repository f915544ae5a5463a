using System;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// An image reference <c>HOST/PATH[:TAG][@sha256:HEX]</c>. App Engine is only ever given the pinned form
    /// (<see cref="Reference"/>), and the digest names the version, so a tag that moves can never change what runs
    /// unseen: a reference with only a tag (or none, meaning <c>latest</c> as Docker does) is pinned to the digest the
    /// registry serves for it before the deployment is planned.
    /// </summary>
    public sealed class ServerImageReference
    {
        public const string DefaultTag = "latest";

        private static readonly Regex Pattern = ParameterChecks.WholeValue(
            @"(?<host>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?)/(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
            @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:(?<hex>[a-f0-9]{64}))?");

        private ServerImageReference(string registryHost, string path, string? tag, string? digestHex)
        {
            RegistryHost = registryHost;
            Path = path;
            Tag = tag;
            DigestHex = digestHex;
        }

        /// <summary>The registry's host (and port), e.g. europe-west1-docker.pkg.dev.</summary>
        public string RegistryHost { get; }

        /// <summary>The image's path within the registry, e.g. my-project/mlflow/mlflow.</summary>
        public string Path { get; }

        /// <summary>host/path without tag or digest.</summary>
        public string Repository => RegistryHost + "/" + Path;

        /// <summary>The tag given; <see cref="DefaultTag"/> when neither tag nor digest was; null for a bare digest.</summary>
        public string? Tag { get; }

        /// <summary>The 64 hex digits of the sha256 digest, or null until the tag is pinned.</summary>
        public string? DigestHex { get; }

        /// <summary>True when the digest is known: what App Engine runs is fixed.</summary>
        public bool IsPinned => DigestHex != null;

        /// <summary>repository@sha256:hex, the form App Engine is given.</summary>
        public string Reference => IsPinned
            ? Repository + "@sha256:" + DigestHex
            : throw new InvalidOperationException($"{this} is not pinned to a digest yet.");

        /// <summary>Any well-formed reference, pinned or not.</summary>
        public static bool TryParse(string? value, out ServerImageReference? image)
        {
            var match = Pattern.Match(value ?? "");
            image = null;
            if (!match.Success || !NamesARegistry(match.Groups["host"].Value))
            {
                return false;
            }
            var hex = match.Groups["hex"].Success ? match.Groups["hex"].Value : null;
            var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : hex == null ? DefaultTag : null;
            image = new ServerImageReference(match.Groups["host"].Value, match.Groups["path"].Value, tag, hex);
            return true;
        }

        /// <summary>Only a reference pinned by digest (what a live version runs).</summary>
        public static bool TryParsePinned(string? value, out ServerImageReference? image)
        {
            if (TryParse(value, out image) && image!.IsPinned)
            {
                return true;
            }
            image = null;
            return false;
        }

        public static ServerImageReference FromDigest(string repository, string digest)
        {
            var slash = repository.IndexOf('/');
            return new ServerImageReference(repository.Substring(0, slash), repository.Substring(slash + 1), null, Hex(digest));
        }

        /// <summary>This image pinned to <paramref name="digest"/> (sha256:HEX), keeping its tag for display.</summary>
        public ServerImageReference WithDigest(string digest) => new ServerImageReference(RegistryHost, Path, Tag, Hex(digest));

        /// <summary>The pinned form when pinned, else repository:tag.</summary>
        public override string ToString() => IsPinned ? Reference : Repository + ":" + Tag;

        private static string Hex(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest.Substring(7) : digest;

        // As Docker reads a name: its first part is a registry only with a dot, a port or 'localhost'.
        private static bool NamesARegistry(string host) => host.IndexOf('.') >= 0 || host.IndexOf(':') >= 0 || host == "localhost";
    }
}
