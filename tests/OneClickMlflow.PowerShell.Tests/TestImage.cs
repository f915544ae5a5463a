namespace OneClickMlflow.Tests;

/// <summary>A server image pinned by digest for -Image: the emulator deploys it without pulling, so no Docker engine is needed.</summary>
public static class TestImage
{
    public const string Reference = "europe-west1-docker.pkg.dev/owned-project/mlflow/mlflow@sha256:" +
                                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// <summary>The parameter as a command line takes it.</summary>
    public const string Argument = "-Image " + Reference;
}
