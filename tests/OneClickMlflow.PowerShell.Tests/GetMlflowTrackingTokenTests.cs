using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text.Json;
using OneClickMlflow.Deployment;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class GetMlflowTrackingTokenTests
{
    private const string Server = "https://owned-project.uc.r.appspot.com";
    private static readonly string LogPusher = $"mlflow-log-pusher@{EmulatorFixture.OwnedProject}.iam.gserviceaccount.com";

    private readonly EmulatorFixture emulator;

    public GetMlflowTrackingTokenTests(EmulatorFixture emulator)
    {
        this.emulator = emulator;
        emulator.Host.State.AddServiceAccount(LogPusher, EmulatorFixture.OwnedProject);
    }

    [Fact]
    public void Token_is_a_SecureString_by_default_and_never_in_the_verbose_stream()
    {
        var result = PowerShellRunner.Run($"Get-MlflowTrackingToken -TrackingUri {Server} -Refresh -Verbose -Debug");

        Assert.Empty(result.Errors);
        var token = Assert.IsType<MlflowTrackingToken>(Assert.Single(result.Output).BaseObject);
        var secure = Assert.IsType<SecureString>(token.Token);
        Assert.Equal(Server, token.TrackingUri);
        Assert.Equal(LogPusher, token.ServiceAccount);
        Assert.Equal(Server + "/*", token.Audience);
        Assert.InRange(token.ExpiresOn, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        var plain = new System.Net.NetworkCredential("", secure).Password;
        Assert.Equal(3, plain.Split('.').Length);
        Assert.NotEmpty(result.Verbose);
        Assert.DoesNotContain(result.Verbose, line => line.Contains(plain.Split('.')[2], StringComparison.Ordinal));
    }

    [Fact]
    public void AsPlainText_returns_the_jwt_as_a_string()
    {
        var result = PowerShellRunner.Run($"Get-MlflowTrackingToken -TrackingUri {Server}/ -AsPlainText");

        Assert.Empty(result.Errors);
        var token = Assert.IsType<MlflowTrackingToken>(Assert.Single(result.Output).BaseObject);
        var claims = Claims(Assert.IsType<string>(token.Token));
        Assert.Equal(LogPusher, claims.GetProperty("iss").GetString());
        Assert.Equal(Server + "/*", claims.GetProperty("aud").GetString());
    }

    [Fact]
    public void SetEnvironment_sets_both_mlflow_variables_and_returns_nothing_unless_PassThru()
    {
        var previousUri = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
        var previousToken = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN");
        try
        {
            var quiet = PowerShellRunner.Run($"Get-MlflowTrackingToken -TrackingUri {Server} -SetEnvironment");
            var passThru = PowerShellRunner.Run($"Get-MlflowTrackingToken -TrackingUri {Server} -SetEnvironment -PassThru -AsPlainText");

            Assert.Empty(quiet.Errors);
            Assert.Empty(quiet.Output);
            var token = Assert.IsType<MlflowTrackingToken>(Assert.Single(passThru.Output).BaseObject);
            Assert.Equal(Server, Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI"));
            Assert.Equal((string)token.Token, Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", previousUri);
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_TOKEN", previousToken);
        }
    }

    [Fact]
    public void Deployment_properties_bind_from_the_pipeline_by_name()
    {
        const string project = "piped-project";
        emulator.Host.State.AddProject(project);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        var pusher = $"mlflow-log-pusher@{project}.iam.gserviceaccount.com";
        emulator.Host.State.AddServiceAccount(pusher, project);

        var result = PowerShellRunner.Run(
            $"[pscustomobject]@{{ ProjectId = '{project}'; Name = 'mlflow'; TrackingUri = 'https://{project}.ew.r.appspot.com' }} | Get-MlflowTrackingToken -AsPlainText");

        Assert.Empty(result.Errors);
        var token = Assert.IsType<MlflowTrackingToken>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(pusher, token.ServiceAccount);
        Assert.Equal($"https://{project}.ew.r.appspot.com", token.TrackingUri);
    }

    [Fact]
    public void A_deployment_object_binds_its_project()
    {
        using var shell = PowerShellRunner.Create();
        shell.AddScript($"$input | Get-MlflowTrackingToken -TrackingUri {Server}");
        var output = shell.Invoke(new[] { new MlflowDeployment { ProjectId = EmulatorFixture.OwnedProject, Name = "mlflow" } });

        Assert.False(shell.HadErrors);
        Assert.Equal(LogPusher, Assert.IsType<MlflowTrackingToken>(Assert.Single(output).BaseObject).ServiceAccount);
    }

    [Fact]
    public void Missing_token_creator_role_is_a_PermissionDenied_error_naming_the_role()
    {
        var viewer = $"token-viewer@{EmulatorFixture.OwnedProject}.iam.gserviceaccount.com";
        emulator.Host.State.AddServiceAccount(viewer, EmulatorFixture.OwnedProject);
        emulator.Host.State.Grant(EmulatorFixture.OwnedProject, "roles/viewer", "serviceAccount:" + viewer);

        var result = PowerShellRunner.Run(
            $"Get-MlflowTrackingToken -TrackingUri {Server} -ImpersonateServiceAccount {viewer} -Audience 42-other.apps.googleusercontent.com -Refresh");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("TrackingTokenPermissionDenied,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains($"Grant roles/iam.serviceAccountTokenCreator on {LogPusher} to serviceAccount:{viewer}", error.ErrorDetails.Message);
    }

    [Fact]
    public void Project_without_an_app_engine_application_is_an_ObjectNotFound_error()
    {
        const string variable = "CLOUDSDK_API_ENDPOINT_OVERRIDES_APPENGINE";
        var previous = Environment.GetEnvironmentVariable(variable);
        Environment.SetEnvironmentVariable(variable, new Uri(emulator.Host.BaseUri, "appengine/").ToString());
        try
        {
            var result = PowerShellRunner.Run($"Get-MlflowTrackingToken -ProjectId {EmulatorFixture.OwnedProject}");

            var error = Assert.Single(result.Errors);
            Assert.StartsWith("UnknownDeployment,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains("New-MlflowDeployment", error.ErrorDetails.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, previous);
        }
    }

    private static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(TrackingTokenIssuer.FromBase64Url(jwt.Split('.')[1])).RootElement;
}
