using System;
using System.IO;
using System.Management.Automation;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// With user credentials, a permission error names the user the credentials speak for (Google's tokeninfo), not
/// the account gcloud's core/account names: whoever logged in to gcloud last need not be whoever made the ADC file.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class CallerInErrorsTests
{
    private const string CredentialsUser = "ada@example.com";
    private const string GcloudAccount = "someone-else@example.com";
    private static readonly string LogPusher = $"mlflow-log-pusher@{EmulatorFixture.OwnedProject}.iam.gserviceaccount.com";

    private readonly EmulatorFixture emulator;

    public CallerInErrorsTests(EmulatorFixture emulator)
    {
        this.emulator = emulator;
        emulator.Host.State.AddServiceAccount(LogPusher, EmulatorFixture.OwnedProject);
    }

    [Fact]
    public void A_Google_permission_error_names_the_user_of_the_credentials()
    {
        var error = AsUser($"Get-MlflowDeployment -ProjectId {EmulatorFixture.OwnedProject}");

        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.StartsWith("GooglePermissionDenied,", error.FullyQualifiedErrorId);
        Assert.Contains("user:" + CredentialsUser, error.ErrorDetails.Message);
        Assert.DoesNotContain(GcloudAccount, error.ErrorDetails.Message);
    }

    [Fact]
    public void A_refused_token_names_the_user_of_the_credentials_as_the_one_to_grant_the_role_to()
    {
        var error = AsUser($"Get-MlflowTrackingToken -TrackingUri https://{EmulatorFixture.OwnedProject}.uc.r.appspot.com -ServiceAccount {LogPusher} -Refresh");

        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.StartsWith("TrackingTokenPermissionDenied,", error.FullyQualifiedErrorId);
        Assert.Contains($"to user:{CredentialsUser}", error.ErrorDetails.Message);
        Assert.DoesNotContain(GcloudAccount, error.ErrorDetails.Message);
    }

    /// <summary>Runs with an authorized_user credential file for <see cref="CredentialsUser"/> while gcloud's account is another user.</summary>
    private ErrorRecord AsUser(string command)
    {
        var file = Path.Combine(Path.GetTempPath(), $"oneclickmlflow-adc-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, emulator.Host.IssueAuthorizedUser(CredentialsUser));
        var credentials = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        var account = Environment.GetEnvironmentVariable("CLOUDSDK_CORE_ACCOUNT");
        try
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", file);
            Environment.SetEnvironmentVariable("CLOUDSDK_CORE_ACCOUNT", GcloudAccount);
            return Assert.Single(PowerShellRunner.Run(command).Errors);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", credentials);
            Environment.SetEnvironmentVariable("CLOUDSDK_CORE_ACCOUNT", account);
            File.Delete(file);
        }
    }
}
