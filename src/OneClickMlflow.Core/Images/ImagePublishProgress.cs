namespace OneClickMlflow.Images
{
    /// <summary>One progress report: the stage ("Checking registry", "Building", "Pushing"), what is happening, and the percentage when known.</summary>
    public sealed class ImagePublishProgress
    {
        public ImagePublishProgress(string stage, string status, int? percentComplete = null)
        {
            Stage = stage;
            Status = status;
            PercentComplete = percentComplete;
        }

        public string Stage { get; }

        public string Status { get; }

        /// <summary>0-100, or null when the engine gives no total.</summary>
        public int? PercentComplete { get; }
    }
}
