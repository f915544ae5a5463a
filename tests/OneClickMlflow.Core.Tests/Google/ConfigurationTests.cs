using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

/// <summary>gcloud configuration, endpoint overrides and project resolution, read as gcloud reads them.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string configDirectory = Directory.CreateTempSubdirectory("oneclickmlflow-gcloud-").FullName;

    public void Dispose() => Directory.Delete(configDirectory, recursive: true);

    private Dictionary<string, string> Environment(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string> { ["CLOUDSDK_CONFIG"] = configDirectory };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }
        return environment;
    }

    private void WriteConfiguration(string name, string ini, bool active = true)
    {
        Directory.CreateDirectory(Path.Combine(configDirectory, "configurations"));
        File.WriteAllText(Path.Combine(configDirectory, "configurations", "config_" + name), ini);
        if (active)
        {
            File.WriteAllText(Path.Combine(configDirectory, "active_config"), name);
        }
    }

    [Fact]
    public void Endpoint_override_from_the_environment_replaces_the_root_and_keeps_the_base_path()
    {
        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_API_ENDPOINT_OVERRIDES_SQL", "http://127.0.0.1:9999/sql/")));

        var endpoints = ApiEndpoints.FromConfiguration(configuration);

        Assert.Equal("http://127.0.0.1:9999/sql/sql/v1beta4/", endpoints.BaseOf(GoogleApis.Sql).ToString());
        Assert.Equal("https://compute.googleapis.com/compute/v1/", endpoints.BaseOf(GoogleApis.Compute).ToString());
    }

    [Fact]
    public void Compute_override_replaces_its_versioned_base_url_as_gcloud_does()
    {
        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", "http://127.0.0.1:9999/compute/compute/v1/")));

        Assert.Equal("http://127.0.0.1:9999/compute/compute/v1/", ApiEndpoints.FromConfiguration(configuration).BaseOf(GoogleApis.Compute).ToString());
    }

    [Fact]
    public void Endpoint_override_from_the_active_configuration_file_is_used()
    {
        WriteConfiguration("emu", "[core]\nproject = file-project\n\n[api_endpoint_overrides]\nserviceusage = http://127.0.0.1:8080/serviceusage/\n");

        var endpoints = ApiEndpoints.FromConfiguration(GcloudConfiguration.Load(Environment()));

        Assert.Equal("http://127.0.0.1:8080/serviceusage/v1/", endpoints.BaseOf(GoogleApis.ServiceUsage).ToString());
    }

    [Fact]
    public void Module_only_servicenetworking_override_is_read_from_the_environment()
    {
        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICENETWORKING", "http://127.0.0.1:1/sn")));

        Assert.Equal("http://127.0.0.1:1/sn/v1/", ApiEndpoints.FromConfiguration(configuration).BaseOf(GoogleApis.ServiceNetworking).ToString());
    }

    [Fact]
    public void Environment_variable_wins_over_the_configuration_file()
    {
        WriteConfiguration("default", "[core]\nproject = file-project\n");

        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_CORE_PROJECT", "env-project")));

        Assert.Equal("env-project", configuration.Get("core", "project"));
    }

    [Fact]
    public void Active_configuration_can_be_chosen_by_CLOUDSDK_ACTIVE_CONFIG_NAME()
    {
        WriteConfiguration("default", "[core]\nproject = default-project\n");
        WriteConfiguration("other", "[core]\nproject = other-project\n", active: false);

        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_ACTIVE_CONFIG_NAME", "other")));

        Assert.Equal("other", configuration.ActiveConfigurationName);
        Assert.Equal("other-project", configuration.Get("core", "project"));
    }

    [Fact]
    public void Project_option_comes_first_then_the_environment_then_the_file()
    {
        WriteConfiguration("default", "[core]\nproject = file-project\n");
        var withVariable = GcloudConfiguration.Load(Environment(("CLOUDSDK_CORE_PROJECT", "env-project")));
        var fileOnly = GcloudConfiguration.Load(Environment());

        Assert.Equal("option-project", ProjectResolver.Resolve("option-project", withVariable, required: true));
        Assert.Equal("env-project", ProjectResolver.Resolve(null, withVariable, required: true));
        Assert.Equal("file-project", ProjectResolver.Resolve(null, fileOnly, required: true));
    }

    [Fact]
    public async Task No_project_anywhere_tells_how_to_set_one()
    {
        var options = new GoogleCloudSessionOptions { Environment = Environment() };

        var error = await Assert.ThrowsAsync<ProjectNotConfiguredException>(() => GoogleCloudSession.CreateAsync(options, CancellationToken.None));

        Assert.Equal("No project: pass -ProjectId or run gcloud config set project ID", error.Message);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("Upper-case-id")]
    [InlineData("ends-with-hyphen-")]
    [InlineData("1starts-with-digit")]
    [InlineData("a-project-id-that-is-far-too-long-for-google")]
    public void Malformed_project_id_is_refused_with_the_rule(string projectId)
    {
        var given = Assert.Throws<InvalidDeploymentInputException>(() =>
            ProjectResolver.Resolve(projectId, GcloudConfiguration.Load(Environment()), required: true));
        var configured = Assert.Throws<ProjectNotConfiguredException>(() =>
            ProjectResolver.Resolve(null, GcloudConfiguration.Load(Environment(("CLOUDSDK_CORE_PROJECT", projectId))), required: true));

        Assert.Equal("ProjectId", given.ParameterName);
        foreach (var error in new Exception[] { given, configured })
        {
            Assert.Contains(projectId, error.Message);
            Assert.Contains("6 to 30", error.Message);
        }
    }

    [Theory]
    [InlineData(" env-project")]
    [InlineData("env-project ")]
    [InlineData("env-project\n")]
    [InlineData("")]
    public void A_given_project_is_used_exactly_or_refused_never_replaced_by_the_configured_one(string projectId)
    {
        var configuration = GcloudConfiguration.Load(Environment(("CLOUDSDK_CORE_PROJECT", "other-project")));

        var error = Assert.Throws<InvalidDeploymentInputException>(() => ProjectResolver.Resolve(projectId, configuration, required: true));

        Assert.Equal("ProjectId", error.ParameterName);
    }

    [Fact]
    public void User_agent_names_the_module_the_host_and_the_system()
    {
        var agent = GoogleCloudSession.UserAgent("PowerShell/7.6.9");

        Assert.Matches(@"^OneClickMlflow/\d+\.\d+\.\d+ PowerShell/7\.6\.9 \(.+\)$", agent);
    }
}
