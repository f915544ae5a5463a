namespace OneClickMlflow.Images
{
    /// <summary>A published image: where it is, its content tag, and whether this run built or pushed it.</summary>
    public sealed class ImagePublishResult
    {
        public ImagePublishResult(string repository, string tag, string digest, bool built, bool pushed)
        {
            Repository = repository;
            Tag = tag;
            Digest = digest;
            Built = built;
            Pushed = pushed;
        }

        /// <summary>The pinned reference to deploy: <c>{repository}@sha256:...</c>.</summary>
        public string ImageUri => Repository + "@" + Digest;

        /// <summary><c>{host}/{project}/{repository}/{image}</c>.</summary>
        public string Repository { get; }

        public string Tag { get; }

        /// <summary>The manifest digest the registry serves, <c>sha256:...</c>.</summary>
        public string Digest { get; }

        /// <summary>False when the engine already had the tagged image, or the registry had the tag.</summary>
        public bool Built { get; }

        /// <summary>False when the registry already had the tag.</summary>
        public bool Pushed { get; }
    }
}
