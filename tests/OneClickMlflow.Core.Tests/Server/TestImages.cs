namespace OneClickMlflow.Tests.Server;

/// <summary>Server images named by digest, as -Image takes them (the emulator never pulls them).</summary>
public static class TestImages
{
    public const string Repository = "europe-west1-docker.pkg.dev/proj-one/mlflow/mlflow";

    public const string First = Repository + "@sha256:1111111111111111111111111111111111111111111111111111111111111111";

    public const string Second = Repository + "@sha256:2222222222222222222222222222222222222222222222222222222222222222";

    public const string Third = Repository + "@sha256:3333333333333333333333333333333333333333333333333333333333333333";
}
