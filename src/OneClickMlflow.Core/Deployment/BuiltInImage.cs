using OneClickMlflow.Images;

namespace OneClickMlflow.Deployment
{
    /// <summary>How to publish the module's own server image when -Image is not given.</summary>
    public sealed class BuiltInImage
    {
        public BuiltInImage(string contextDirectory, ImagePublisherOptions options)
        {
            ContextDirectory = contextDirectory;
            Options = options;
        }

        /// <summary>The Docker build context (the module's image folder).</summary>
        public string ContextDirectory { get; }

        public ImagePublisherOptions Options { get; }

        /// <summary>Another registry host than REGION-docker.pkg.dev (a mirror, or a loopback test registry).</summary>
        public string? RegistryHost { get; set; }
    }
}
