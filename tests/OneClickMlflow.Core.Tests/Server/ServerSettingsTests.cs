using System;
using System.Net;
using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>The server parameters are checked before any call, each error naming its parameter.</summary>
public sealed class ServerSettingsTests
{
    private static DeploymentInput Valid() => new() { ProjectId = "proj-one", Region = "europe-west1", Image = TestImages.First };

    [Theory]
    [InlineData("Image", "europe-west1-docker.pkg.dev/p/mlflow/MLflow:latest")]
    [InlineData("Image", "mlflow@sha256:short")]
    [InlineData("Service", "Bad_Service")]
    [InlineData("Service", "ah-builtin")]
    [InlineData("Cpu", "3")]
    [InlineData("Cpu", "82")]
    [InlineData("MemoryGb", "0.4")]
    [InlineData("MemoryGb", "7")]
    [InlineData("DiskGb", "9")]
    [InlineData("DiskGb", "10241")]
    [InlineData("MinInstances", "0")]
    [InlineData("MaxInstances", "1")]
    [InlineData("OAuthClientId", "not-a-client")]
    [InlineData("OAuthClientId", "My-Client.apps.googleusercontent.com")]
    [InlineData("OAuthClientId", ".apps.googleusercontent.com")]
    [InlineData("OAuthClientSecret", "")]
    // Given but empty or blank: refused, never read as "use the default".
    [InlineData("Image", "")]
    [InlineData("Image", "  ")]
    [InlineData("Service", "")]
    [InlineData("OAuthClientId", "")]
    public void A_bad_value_is_refused_naming_the_parameter(string parameter, string value)
    {
        var input = Valid();
        switch (parameter)
        {
            case "Image": input.Image = value; break;
            case "Service": input.Service = value; break;
            case "Cpu": input.Cpu = double.Parse(value); break;
            case "MemoryGb": input.Cpu = 1; input.MemoryGb = double.Parse(value); break;
            case "DiskGb": input.DiskGb = double.Parse(value); break;
            case "MinInstances": input.MinInstances = int.Parse(value); break;
            case "MaxInstances": input.MinInstances = 3; input.MaxInstances = int.Parse(value); break;
            case "OAuthClientId": input.OAuthClientId = value; input.OAuthClientSecret = new NetworkCredential("", "s").SecurePassword; break;
            case "OAuthClientSecret": input.OAuthClientId = "1-a.apps.googleusercontent.com"; break;
        }

        var error = Assert.Throws<InvalidDeploymentInputException>(() => MlflowDeploymentSpec.From(input));

        Assert.Equal(parameter, error.ParameterName);
    }

    [Theory]
    [InlineData("Cpu", double.NaN)]
    [InlineData("Cpu", double.PositiveInfinity)]
    [InlineData("Cpu", double.NegativeInfinity)]
    [InlineData("MemoryGb", double.NaN)]
    [InlineData("MemoryGb", double.PositiveInfinity)]
    [InlineData("MemoryGb", double.NegativeInfinity)]
    [InlineData("DiskGb", double.NaN)]
    [InlineData("DiskGb", double.PositiveInfinity)]
    [InlineData("DiskGb", double.NegativeInfinity)]
    public void A_number_that_is_not_finite_is_refused_naming_the_parameter(string parameter, double value)
    {
        var input = Valid();
        switch (parameter)
        {
            case "Cpu": input.Cpu = value; break;
            case "MemoryGb": input.MemoryGb = value; break;
            case "DiskGb": input.DiskGb = value; break;
        }

        var error = Assert.Throws<InvalidDeploymentInputException>(() => MlflowDeploymentSpec.From(input));

        Assert.Equal(parameter, error.ParameterName);
        Assert.Contains("not a finite number", error.Message);
    }

    [Theory]
    [InlineData(null, 2001, "MaxInstances")]
    [InlineData(null, int.MaxValue, "MaxInstances")]
    [InlineData(null, 0, "MaxInstances")]
    [InlineData(null, -1, "MaxInstances")]
    [InlineData(2001, null, "MinInstances")]
    [InlineData(int.MaxValue, int.MaxValue, "MinInstances")]
    [InlineData(int.MinValue, null, "MinInstances")]
    [InlineData(5, 4, "MaxInstances")]
    public void Instance_counts_beyond_what_a_flexible_version_runs_are_refused(int? min, int? max, string parameter)
    {
        var input = Valid();
        input.MinInstances = min;
        input.MaxInstances = max;

        var error = Assert.Throws<InvalidDeploymentInputException>(() => MlflowDeploymentSpec.From(input));

        Assert.Equal(parameter, error.ParameterName);
    }

    [Theory]
    [InlineData(1, 2000)]
    [InlineData(2000, 2000)]
    [InlineData(3, null)]
    public void Instance_counts_from_one_to_two_thousand_are_accepted(int min, int? max)
    {
        var input = Valid();
        input.MinInstances = min;
        input.MaxInstances = max;

        var server = MlflowDeploymentSpec.From(input).Input.Server;

        Assert.Equal((min, max ?? Math.Max(ServerSettings.DefaultMaxInstances, min)), (server.MinInstances, server.MaxInstances));
    }

    [Fact]
    public void An_empty_OAuth_client_secret_is_refused_not_read_as_no_secret()
    {
        var input = Valid();
        input.OAuthClientId = "1-a.apps.googleusercontent.com";
        input.OAuthClientSecret = new System.Security.SecureString();

        Assert.Equal("OAuthClientSecret", Assert.Throws<InvalidDeploymentInputException>(() => MlflowDeploymentSpec.From(input)).ParameterName);
    }

    [Fact]
    public void A_tagged_digest_is_taken_by_its_digest_and_defaults_are_one_cpu_two_gb_ten_gb_one_to_two_instances()
    {
        var input = Valid();
        input.Image = "europe-west1-docker.pkg.dev/p/mlflow/mlflow:1.2@sha256:" + new string('a', 64);

        var server = MlflowDeploymentSpec.From(input).Input.Server;

        Assert.Equal("europe-west1-docker.pkg.dev/p/mlflow/mlflow@sha256:" + new string('a', 64), server.Image!.Reference);
        Assert.Equal((1.0, 2.0, 10.0, 1, 2), (server.Cpu, server.MemoryGb, server.DiskGb, server.MinInstances, server.MaxInstances));
        Assert.True(server.KeylessLogging);
    }

    [Fact]
    public void Four_cpus_take_up_to_twenty_five_point_six_gb()
    {
        var input = Valid();
        input.Cpu = 4;
        input.MemoryGb = 25.6;

        Assert.Equal(25.6, MlflowDeploymentSpec.From(input).Input.Server.MemoryGb);
    }

    private static OneClickMlflow.Google.AppEngineVersion Serving(double cpu, double memoryGb, int min, int max) => new()
    {
        Resources = new OneClickMlflow.Google.VersionResources { Cpu = cpu, MemoryGb = memoryGb, DiskGb = 20 },
        AutomaticScaling = new OneClickMlflow.Google.AutomaticScaling { MinTotalInstances = min, MaxTotalInstances = max },
    };

    [Fact]
    public void Values_left_out_are_the_serving_versions()
    {
        var input = Valid();
        input.MemoryGb = 10;

        var (resources, scaling) = MlflowDeploymentSpec.From(input).Input.Server.Machine(Serving(2, 4, 2, 5));

        Assert.Equal((2.0, 10.0, 20.0), (resources.Cpu!.Value, resources.MemoryGb!.Value, resources.DiskGb!.Value));
        Assert.Equal((2, 5), (scaling.MinTotalInstances!.Value, scaling.MaxTotalInstances!.Value));
    }

    [Fact]
    public void Given_cpus_that_the_serving_memory_does_not_fit_are_refused_naming_the_parameter()
    {
        var input = Valid();
        input.Cpu = 4;
        var server = MlflowDeploymentSpec.From(input).Input.Server;

        var refused = Assert.Throws<InvalidDeploymentInputException>(() => server.Machine(Serving(1, 2, 1, 2)));

        Assert.Equal("Cpu", refused.ParameterName);
        Assert.Contains("serving version", refused.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimum_above_the_serving_maximum_raises_the_maximum_with_it()
    {
        var input = Valid();
        input.MinInstances = 4;

        var (_, scaling) = MlflowDeploymentSpec.From(input).Input.Server.Machine(Serving(1, 2, 1, 2));

        Assert.Equal((4, 4), (scaling.MinTotalInstances!.Value, scaling.MaxTotalInstances!.Value));
    }
}
