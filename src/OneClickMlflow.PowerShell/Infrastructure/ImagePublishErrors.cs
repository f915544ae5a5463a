using System.Management.Automation;
using OneClickMlflow.Images;

namespace OneClickMlflow.PowerShell.Infrastructure
{
    /// <summary>The error id, category and next step of an image publishing failure, by where it failed.</summary>
    internal static class ImagePublishErrors
    {
        public static (string ErrorId, ErrorCategory Category, string Message, string NextStep) Describe(ImagePublishException image) =>
            image.Stage switch
            {
                ImagePublishStage.Engine => ("DockerEngineUnavailable", ErrorCategory.ConnectionError, image.Message,
                    "Start Docker, or set DOCKER_HOST to a running engine; Test-MlflowPrerequisite shows what it finds."),
                ImagePublishStage.Registry when image.HttpStatus == 401 || image.HttpStatus == 403 => ("RegistryAccessDenied", ErrorCategory.PermissionDenied, image.Message,
                    "Check that the account can read the Artifact Registry repository (roles/artifactregistry.reader), and write to it to publish (roles/artifactregistry.writer)."),
                ImagePublishStage.Registry => ("RegistryUnavailable", ErrorCategory.ConnectionError, image.Message,
                    "Check the network and the registry host (of -Image, or the region and -RegistryHost of Publish-MlflowImage), then run the command again."),
                ImagePublishStage.Build => ("ImageBuildFailed", ErrorCategory.InvalidData, image.Message,
                    "Fix the failing step of the Dockerfile named above and run the command again."),
                _ => ("ImagePushFailed", ErrorCategory.WriteError, image.Message,
                    "Check that the account can write to the Artifact Registry repository, then run the command again; the built image is kept."),
            };
    }
}
