using System;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OneClickMlflow.Images
{
    /// <summary>
    /// Turns the engine's JSON message stream into progress reports and verbose lines, and keeps the first error
    /// (the engine reports a failed step in the stream, with a 200 status).
    /// </summary>
    internal sealed class EngineMessages : IProgress<JSONMessage>
    {
        private readonly string stage;
        private readonly string reference;
        private readonly Action<ImagePublishProgress> progress;
        private readonly Action<string>? verbose;

        public EngineMessages(string stage, string reference, Action<ImagePublishProgress> progress, Action<string>? verbose)
        {
            this.stage = stage;
            this.reference = reference;
            this.progress = progress;
            this.verbose = verbose;
        }

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message;
            if (!string.IsNullOrWhiteSpace(error))
            {
                Error ??= error!.Trim();
                verbose?.Invoke(error!.Trim());
                return;
            }
            var text = (value.Stream ?? "").Trim();
            if (text.Length > 0)
            {
                verbose?.Invoke(text);
                if (text.StartsWith("Step ", StringComparison.Ordinal))
                {
                    progress(new ImagePublishProgress(stage, $"{reference}: {text}"));
                }
                return;
            }
            if (string.IsNullOrWhiteSpace(value.Status))
            {
                return;
            }
            var status = string.IsNullOrEmpty(value.ID) ? value.Status! : $"{value.ID}: {value.Status}";
            int? percent = null;
            if (value.Progress?.Total is long total && total > 0 && value.Progress.Current is long current)
            {
                percent = (int)Math.Min(100, current * 100 / total);
            }
            else
            {
                verbose?.Invoke(status);
            }
            progress(new ImagePublishProgress(stage, $"{reference}: {status}", percent));
        }

        /// <summary>The engine's own message from an error response body (<c>{"message": "..."}</c>).</summary>
        public static string ApiError(DockerApiException e)
        {
            var body = e.ResponseBody ?? "";
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("message", out var message) && message.GetString() is string text)
                {
                    return text;
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
            return body.Length > 0 ? body.Trim() : e.Message;
        }
    }
}
