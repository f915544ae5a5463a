using System;
using OneClickMlflow.Deployment;
using OneClickMlflow.Deployment.Resources;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>-Image takes HOST/PATH[:TAG][@sha256:HEX]; App Engine is only ever given the pinned form.</summary>
public sealed class ServerImageReferenceTests
{
    private static readonly string Hex = new('a', 64);

    private static ServerImageReference Parse(string value)
    {
        Assert.True(ServerImageReference.TryParse(value, out var image), value);
        return image!;
    }

    [Fact]
    public void A_tag_is_kept_and_the_image_is_not_pinned_until_its_digest_is_known()
    {
        var image = Parse("europe-west1-docker.pkg.dev/p/repo/mlflow:3.18.0");

        Assert.Equal(("europe-west1-docker.pkg.dev", "p/repo/mlflow", "3.18.0"), (image.RegistryHost, image.Path, image.Tag));
        Assert.False(image.IsPinned);
        Assert.Null(image.DigestHex);
        Assert.Equal("europe-west1-docker.pkg.dev/p/repo/mlflow:3.18.0", image.ToString());
        Assert.Throws<InvalidOperationException>(() => image.Reference);
    }

    [Fact]
    public void No_tag_and_no_digest_means_latest_as_docker_reads_it()
    {
        var image = Parse("europe-west1-docker.pkg.dev/p/repo/mlflow");

        Assert.Equal("latest", image.Tag);
        Assert.False(image.IsPinned);
    }

    [Fact]
    public void A_digest_is_pinned_as_given()
    {
        var image = Parse("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:" + Hex);

        Assert.True(image.IsPinned);
        Assert.Null(image.Tag);
        Assert.Equal("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:" + Hex, image.Reference);
    }

    [Fact]
    public void A_tag_before_a_digest_is_pinned_by_the_digest()
    {
        var image = Parse("europe-west1-docker.pkg.dev/p/repo/mlflow:3.18.0@sha256:" + Hex);

        Assert.True(image.IsPinned);
        Assert.Equal("3.18.0", image.Tag);
        Assert.Equal("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:" + Hex, image.Reference);
    }

    [Fact]
    public void A_registry_port_is_not_taken_for_a_tag()
    {
        var tagged = Parse("127.0.0.1:5000/p/repo/mlflow:v1");
        var untagged = Parse("localhost:5000/mlflow");

        Assert.Equal(("127.0.0.1:5000", "p/repo/mlflow", "v1"), (tagged.RegistryHost, tagged.Path, tagged.Tag));
        Assert.Equal(("localhost:5000", "mlflow", "latest"), (untagged.RegistryHost, untagged.Path, untagged.Tag));
    }

    [Fact]
    public void Pinning_a_tag_keeps_it_for_display_and_gives_app_engine_the_digest()
    {
        var pinned = Parse("europe-west1-docker.pkg.dev/p/repo/mlflow:3.18.0").WithDigest("sha256:" + Hex);

        Assert.True(pinned.IsPinned);
        Assert.Equal("3.18.0", pinned.Tag);
        Assert.Equal("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:" + Hex, pinned.Reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mlflow:3.18.0")] // no registry
    [InlineData("library/mlflow:3.18.0")] // a Docker Hub name: the first part is no registry host
    [InlineData("europe-west1-docker.pkg.dev/p/repo/MLflow:1")] // uppercase path
    [InlineData("europe-west1-docker.pkg.dev/p/repo/mlflow:")] // empty tag
    [InlineData("europe-west1-docker.pkg.dev/p/repo/mlflow:-bad")] // a tag cannot start with '-'
    [InlineData("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:short")]
    [InlineData("europe-west1-docker.pkg.dev/p/repo/mlflow:1 2")]
    [InlineData("europe-west1-docker.pkg.dev/")]
    public void A_malformed_reference_is_refused(string value)
    {
        Assert.False(ServerImageReference.TryParse(value, out var image));
        Assert.Null(image);
    }

    [Fact]
    public void A_live_version_image_counts_only_when_pinned()
    {
        Assert.False(ServerImageReference.TryParsePinned("europe-west1-docker.pkg.dev/p/repo/mlflow:3.18.0", out var tagged));
        Assert.True(ServerImageReference.TryParsePinned("europe-west1-docker.pkg.dev/p/repo/mlflow@sha256:" + Hex, out var pinned));
        Assert.Null(tagged);
        Assert.True(pinned!.IsPinned);
    }

    [Fact]
    public void A_malformed_image_is_refused_before_any_call_naming_the_parameter_and_both_forms()
    {
        var input = new DeploymentInput { ProjectId = "proj-one", Region = "europe-west1", Image = "mlflow:3.18.0" };

        var error = Assert.Throws<InvalidDeploymentInputException>(() => MlflowDeploymentSpec.From(input));

        Assert.Equal("Image", error.ParameterName);
        Assert.StartsWith("-Image: 'mlflow:3.18.0'", error.Message);
        Assert.Contains("REGISTRY/PATH:TAG", error.Message);
        Assert.Contains("REGISTRY/PATH@sha256:DIGEST", error.Message);
    }

    [Theory]
    [InlineData("europe-west1-docker.pkg.dev", true)]
    [InlineData("gcr.io", true)]
    [InlineData("eu.gcr.io", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("registry.example.com", false)]
    [InlineData("evilpkg.dev", false)]
    [InlineData("europe-west1-docker.pkg.dev.example.com", false)]
    [InlineData("gcr.io.example.com:443", false)]
    public void Google_credentials_go_only_to_google_registries_and_this_machine(string registryHost, bool sendsToken)
    {
        Assert.Equal(sendsToken, GivenImageResource.IsGoogleRegistry(registryHost));
    }
}
