using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using OneClickMlflow.Deployment;
using OneClickMlflow.Google;
using OneClickMlflow.Images;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests.Deployment;

/// <summary>
/// Every checked input is taken whole and exactly: a value with a line feed after it (from a file, a here-string or
/// Read-Host) or spaces around it is refused naming its parameter, never trimmed into another value.
/// </summary>
public sealed class ExactInputTests
{
    private static DeploymentInput Valid() => new()
    {
        ProjectId = "my-project", Name = "mlflow", Region = "europe-west1", WebAppUsers = new[] { "user:alice@example.com" },
    };

    /// <summary>Each validated input with a good value, and how to check it.</summary>
    public static IEnumerable<object[]> ValidatedInputs()
    {
        object[] Input(string parameter, string good, Action<string> check) => new object[] { parameter, good, check };
        void Deploy(Action<DeploymentInput> set)
        {
            var input = Valid();
            set(input);
            MlflowDeploymentSpec.From(input);
        }

        yield return Input("ProjectId", "my-project", v => Deploy(i => i.ProjectId = v));
        yield return Input("ProjectId", "example.com:my-project", v => ProjectResolver.Resolve(v, GcloudConfiguration.Load(new Dictionary<string, string>()), true));
        yield return Input("Name", "mlflow", v => Deploy(i => i.Name = v));
        yield return Input("Name", "ml*", v => DeploymentInputValidator.ValidateNamePattern(v, hasWildcards: true));
        yield return Input("Region", "europe-west1", v => Deploy(i => i.Region = v));
        yield return Input("WebAppUser", "user:alice@example.com", v => Deploy(i => i.WebAppUsers = new[] { v }));
        yield return Input("WebAppUser", "domain:example.com", v => Deploy(i => i.WebAppUsers = new[] { v }));
        yield return Input("NetworkName", "shared-net", v => Deploy(i => i.NetworkName = v));
        yield return Input("NetworkName", "projects/host-project/global/networks/shared", v => Deploy(i => i.NetworkName = v));
        yield return Input("SubnetworkName", "mlflow-subnet", v => Deploy(i => { i.NetworkName = "shared-net"; i.SubnetworkName = v; }));
        yield return Input("DatabaseVersion", "MYSQL_8_4", v => Deploy(i => i.DatabaseVersion = v));
        yield return Input("DatabaseTier", "db-g1-small", v => Deploy(i => i.DatabaseTier = v));
        yield return Input("Image", "europe-west1-docker.pkg.dev/my-project/mlflow/mlflow:3.1.0", v => Deploy(i => i.Image = v));
        yield return Input("Service", "mlflow", v => Deploy(i => { i.Image = "h.example/p/i@sha256:" + new string('a', 64); i.Service = v; }));
        yield return Input("OAuthClientId", "42-abc.apps.googleusercontent.com", v => Deploy(i =>
        {
            i.OAuthClientId = v;
            i.OAuthClientSecret = new System.Net.NetworkCredential("", "s").SecurePassword;
        }));
        yield return Input("ImpersonateServiceAccount", "deployer@my-project.iam.gserviceaccount.com",
            v => DeploymentInputValidator.ValidateServiceAccountEmail("ImpersonateServiceAccount", v));
        yield return Input("ServiceAccount", "ci@my-project.iam.gserviceaccount.com",
            v => DeploymentInputValidator.ValidateServiceAccountEmail("ServiceAccount", v));
        yield return Input("Audience", "42-abc.apps.googleusercontent.com", v => TrackingTokenInputs.ValidateAudience(v));
        yield return Input("Region", "europe-west4", v => ImagePublishInputs.ValidateRegion(v));
        yield return Input("Repository", "mlflow", v => ImagePublishInputs.ValidateRepository(v));
        yield return Input("ImageName", "mlflow", v => ImagePublishInputs.ValidateImageName(v));
        yield return Input("MlflowVersion", "3.1.0", v => ImagePublishInputs.ValidateMlflowVersion(v));
        yield return Input("RegistryHost", "127.0.0.1:5000", v => ImagePublishInputs.ValidateRegistryHost(v));
        yield return Input("BuildArgument", "PIP_INDEX_URL", v => ImagePublishInputs.ValidateBuildArgumentName(v));
    }

    [Theory]
    [MemberData(nameof(ValidatedInputs))]
    public void A_good_value_is_accepted_and_the_same_value_with_a_line_feed_after_it_is_refused(string parameter, string good, Action<string> check)
    {
        check(good);

        var error = Assert.Throws<InvalidDeploymentInputException>(() => check(good + "\n"));

        Assert.Equal(parameter, error.ParameterName);
        Assert.Contains(@"\n", error.Message);
    }

    [Theory]
    [MemberData(nameof(ValidatedInputs))]
    public void Spaces_around_a_value_and_an_empty_value_are_refused(string parameter, string good, Action<string> check)
    {
        foreach (var bad in new[] { " " + good, good + " ", "\t" + good, "", "  " })
        {
            var error = Assert.Throws<InvalidDeploymentInputException>(() => check(bad));
            Assert.Equal(parameter, error.ParameterName);
        }
    }

    /// <summary>$ matches before a final line feed; every regular expression of the module must anchor with \A and \z.</summary>
    [Fact]
    public void No_regular_expression_of_the_module_anchors_with_caret_or_dollar()
    {
        var patterns = typeof(ParameterChecks).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            .Where(f => f.FieldType == typeof(Regex) && !f.DeclaringType!.ContainsGenericParameters)
            .Select(f => (Field: $"{f.DeclaringType!.Name}.{f.Name}", Pattern: f.GetValue(null)!.ToString()!))
            .ToList();

        Assert.Contains(patterns, p => p.Field == "DeploymentInputValidator.ProjectIdPattern");
        Assert.All(patterns, p => Assert.False(Regex.IsMatch(p.Pattern, @"(^\^)|((?<!\\)\$\)?$)"), $"{p.Field} anchors with ^ or $: {p.Pattern}"));
        Assert.All(patterns.Where(p => p.Pattern.StartsWith(@"\A", StringComparison.Ordinal)),
            p => Assert.EndsWith(@"\z", p.Pattern));
    }

    [Theory]
    [InlineData("europe-west1x")]
    [InlineData("europe-west1-b")]
    [InlineData("europe-west10")]
    [InlineData("xeurope-west1")]
    [InlineData("europe-west")]
    [InlineData("us-east")]
    [InlineData("europe")]
    [InlineData("us-central1\n")]
    public void A_region_is_matched_whole_never_by_prefix(string region)
    {
        var input = Valid();
        input.Region = region;

        var error = Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.Validate(input));

        Assert.Equal("Region", error.ParameterName);
    }

    [Fact]
    public void Every_supported_region_is_accepted_and_no_extension_of_one_is()
    {
        foreach (var region in AppEngineLocations.Regions)
        {
            Assert.Equal(region, DeploymentInputValidator.ValidateRegion(region, out _));
            Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.ValidateRegion(region + "x", out _));
            Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.ValidateRegion(region + "0", out _));
            Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.ValidateRegion(region[..^1], out _));
        }
    }

    [Theory]
    [InlineData("europe-west1x")]
    [InlineData("europe-west")]
    [InlineData("Europe-West1")]
    [InlineData("europe-west0")]
    public void Publish_regions_are_whole_region_names(string region) =>
        Assert.Equal("Region", Assert.Throws<InvalidDeploymentInputException>(() => ImagePublishInputs.ValidateRegion(region)).ParameterName);

    [Theory]
    [InlineData("deployer@my-project.iam.gserviceaccount.com")]
    [InlineData("my-project@appspot.gserviceaccount.com")]
    [InlineData("123456789-compute@developer.gserviceaccount.com")]
    [InlineData("ci@team.example.com.iam.gserviceaccount.com")]
    public void Service_account_emails_are_accepted(string email) =>
        Assert.Equal(email, DeploymentInputValidator.ValidateServiceAccountEmail("ImpersonateServiceAccount", email));

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("foo")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("user:deployer@my-project.iam.gserviceaccount.com")]
    [InlineData("serviceAccount:deployer@my-project.iam.gserviceaccount.com")]
    [InlineData("deployer@my-project.iam.gserviceaccount.com.evil.example")]
    [InlineData("Deployer@My-Project.iam.gserviceaccount.com")]
    public void Anything_but_a_service_account_email_is_refused_as_impersonation_target(string value)
    {
        var error = Assert.Throws<InvalidDeploymentInputException>(() =>
            DeploymentInputValidator.ValidateServiceAccountEmail("ImpersonateServiceAccount", value));

        Assert.Equal("ImpersonateServiceAccount", error.ParameterName);
    }

    [Fact]
    public void A_null_member_is_refused_not_skipped()
    {
        var input = Valid();
        input.WebAppUsers = new[] { "user:alice@example.com", null! };

        var error = Assert.Throws<InvalidDeploymentInputException>(() => DeploymentInputValidator.Validate(input));

        Assert.Equal("WebAppUser", error.ParameterName);
        Assert.Contains("$null member", error.Message);
    }
}
