using System;

namespace OneClickMlflow.Images
{
    /// <summary>Where publishing an image failed.</summary>
    public enum ImagePublishStage
    {
        /// <summary>The Docker engine could not be reached or refused the API version.</summary>
        Engine,

        /// <summary>The registry refused the credentials or answered with an error.</summary>
        Registry,

        /// <summary>A build step failed.</summary>
        Build,

        /// <summary>The engine could not push the image.</summary>
        Push,
    }

    /// <summary>Publishing an image failed; the message is the engine's or registry's own, prefixed with what was being done.</summary>
    public sealed class ImagePublishException : Exception
    {
        public ImagePublishException(ImagePublishStage stage, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            Stage = stage;
        }

        public ImagePublishStage Stage { get; }

        /// <summary>The registry's HTTP status when <see cref="Stage"/> is Registry; otherwise 0.</summary>
        public int HttpStatus { get; set; }
    }
}
