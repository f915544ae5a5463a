using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// An image pinned by digest, <c>HOST/PATH@sha256:HEX</c> (a tag before the digest is dropped): App Engine runs
    /// exactly that image, and the digest names the version, so a tag that moves can never change what runs unseen.
    /// </summary>
    public sealed class ServerImageReference
    {
        private static readonly Regex Pattern = new Regex(
            @"^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:(?<hex>[a-f0-9]{64})$",
            RegexOptions.CultureInvariant);

        private ServerImageReference(string repository, string digestHex)
        {
            Repository = repository;
            DigestHex = digestHex;
        }

        /// <summary>host/path without tag or digest.</summary>
        public string Repository { get; }

        /// <summary>The 64 hex digits of the sha256 digest.</summary>
        public string DigestHex { get; }

        /// <summary>repository@sha256:hex, the form App Engine is given.</summary>
        public string Reference => Repository + "@sha256:" + DigestHex;

        public static bool TryParse(string? value, out ServerImageReference? image)
        {
            var match = Pattern.Match(value?.Trim() ?? "");
            image = match.Success ? new ServerImageReference(match.Groups["repository"].Value, match.Groups["hex"].Value) : null;
            return image != null;
        }

        public static ServerImageReference FromDigest(string repository, string digest) =>
            new ServerImageReference(repository, digest.StartsWith("sha256:", System.StringComparison.Ordinal) ? digest.Substring(7) : digest);

        public override string ToString() => Reference;
    }
}
