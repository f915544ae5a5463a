using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Google;
using Xunit;

namespace OneClickMlflow.Tests.Google;

public sealed class CredentialFlowTests : EmulatedSessionTestBase
{
    [Fact]
    public async Task Service_account_key_gets_its_token_from_the_key_files_token_uri()
    {
        using var session = await SessionAsync();

        var project = await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);

        Assert.Equal(Project, project.ProjectId);
        Assert.False(string.IsNullOrEmpty(project.ProjectNumber));
        Assert.Equal(Deployer, session.Account);
        Assert.Equal("GOOGLE_APPLICATION_CREDENTIALS (service_account)", session.CredentialSource);
        Assert.Single(RequestsTo("/oauth2/token"));
        Assert.Equal(Deployer, Host.Requests.Last().Principal);
    }

    [Fact]
    public async Task Session_creation_makes_no_request()
    {
        using var session = await SessionAsync();

        Assert.Empty(Host.Requests);
    }

    [Fact]
    public async Task Impersonation_option_calls_iam_credentials_at_its_override_and_acts_as_the_target()
    {
        var runner = AddServiceAccountWithRole("runner", "roles/viewer");
        using var session = await SessionAsync(configure: o => o.ImpersonateServiceAccount = runner);

        var principal = await PrincipalReadingProjectAsync(session);

        Assert.Equal(runner, principal);
        Assert.Equal(runner, session.Account);
        Assert.Single(RequestsTo(runner + ":generateAccessToken"));
    }

    [Fact]
    public async Task Impersonation_from_gcloud_configuration_is_used_when_no_option_is_given()
    {
        var runner = AddServiceAccountWithRole("runner", "roles/viewer");
        var environment = EmulatorEnvironment();
        environment["CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT"] = runner;
        using var session = await SessionAsync(environment);

        Assert.Equal(runner, await PrincipalReadingProjectAsync(session));
    }

    [Fact]
    public async Task Metadata_server_named_by_GCE_METADATA_HOST_is_the_last_resort()
    {
        var environment = EmulatorEnvironment();
        environment.Remove("GOOGLE_APPLICATION_CREDENTIALS");
        environment["GCE_METADATA_HOST"] = Host.BaseUri.Authority;
        using var session = await SessionAsync(environment);

        var principal = await PrincipalReadingProjectAsync(session);

        Assert.Equal(Deployer, principal);
        Assert.StartsWith("metadata server", session.CredentialSource);
        Assert.Single(RequestsTo("/computeMetadata/v1/instance/service-accounts/default/token"));
    }

    [Fact]
    public async Task Gcloud_well_known_adc_file_is_used_when_no_variable_names_a_file()
    {
        File.WriteAllText(Path.Combine(ConfigDirectory, "application_default_credentials.json"), File.ReadAllText(Host.ServiceAccountKeyPath));
        var environment = EmulatorEnvironment();
        environment.Remove("GOOGLE_APPLICATION_CREDENTIALS");
        using var session = await SessionAsync(environment);

        await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);

        Assert.Equal("gcloud application-default credentials (service_account)", session.CredentialSource);
    }

    [Fact]
    public async Task Authorized_user_refreshes_at_gcloud_auth_token_host()
    {
        const string user = "ada@example.com";
        Host.State.Grant(Project, "roles/viewer", "user:" + user);
        var json = JsonNode.Parse(Host.IssueAuthorizedUser(user))!.AsObject();
        json["token_uri"] = "https://oauth2.googleapis.com/token";
        using var session = await SessionWithCredentialFileAsync(json.ToJsonString(), ("CLOUDSDK_CORE_ACCOUNT", user));

        var principal = await PrincipalReadingProjectAsync(session);

        Assert.Equal(user, principal);
        Assert.Equal(user, session.Account);
        Assert.Single(RequestsTo("/oauth2/token"));
    }

    [Fact]
    public async Task The_caller_is_named_by_google_not_by_gclouds_account_setting()
    {
        const string user = "ada@example.com";
        var json = JsonNode.Parse(Host.IssueAuthorizedUser(user))!.AsObject();
        using var asUser = await SessionWithCredentialFileAsync(json.ToJsonString(), ("CLOUDSDK_CORE_ACCOUNT", "someone-else@example.com"));
        using var impersonating = await SessionAsync(configure: o => o.ImpersonateServiceAccount = AddServiceAccountWithRole("runner", "roles/viewer"));
        using var withKey = await SessionAsync();

        Assert.Equal("user:" + user, await asUser.CallerMemberAsync(CancellationToken.None));
        Assert.Equal($"serviceAccount:runner@{Project}.iam.gserviceaccount.com", await impersonating.CallerMemberAsync(CancellationToken.None));
        Assert.Equal("serviceAccount:" + Deployer, await withKey.CallerMemberAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_quota_project_of_the_credential_file_is_sent_as_x_goog_user_project_and_checked_by_google()
    {
        const string user = "ada@example.com";
        Host.State.Grant(Project, "roles/viewer", "user:" + user);
        Host.State.AddProject("billing-project");
        var json = JsonNode.Parse(Host.IssueAuthorizedUser(user))!.AsObject();
        json["quota_project_id"] = "billing-project";
        using var session = await SessionWithCredentialFileAsync(json.ToJsonString());

        var refused = await Assert.ThrowsAsync<GoogleCloudApiException>(() => session.ResourceManager.GetProjectAsync(Project, CancellationToken.None));
        Host.State.Grant("billing-project", "roles/serviceusage.serviceUsageConsumer", "user:" + user);
        await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);

        Assert.Equal("USER_PROJECT_DENIED", refused.Reason);
        Assert.All(RequestsTo("/v1/projects/" + Project), r => Assert.Equal("billing-project", r.QuotaProject));
    }

    [Theory]
    [InlineData("CURRENT_PROJECT", Project)]
    [InlineData("billing-project", "billing-project")]
    [InlineData("LEGACY", null)]
    public async Task Gcloud_billing_quota_project_chooses_the_quota_project(string setting, string? sent)
    {
        Host.State.AddProject("billing-project");
        Host.State.Grant("billing-project", "roles/serviceusage.serviceUsageConsumer", "serviceAccount:" + Deployer);
        var environment = EmulatorEnvironment();
        environment["CLOUDSDK_BILLING_QUOTA_PROJECT"] = setting;
        using var session = await SessionAsync(environment);

        await session.ResourceManager.GetProjectAsync(Project, CancellationToken.None);

        Assert.Equal(sent, RequestsTo("/v1/projects/" + Project).Last().QuotaProject);
    }

    [Fact]
    public async Task External_account_reads_its_subject_token_file_and_exchanges_it_at_sts()
    {
        var pusher = AddServiceAccountWithRole("pusher", "roles/viewer");
        var number = Host.State.GetProject(Project).ProjectNumber;
        Host.State.Federation.RegisterSubjectToken("ci-oidc-token", "repo:octo/mlflow");
        Host.State.FindServiceAccount(pusher)!.Policy.AddBinding("roles/iam.workloadIdentityUser",
            $"principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/ci/subject/repo:octo/mlflow");
        var subjectFile = WriteTempFile("subject-token", "ci-oidc-token");
        var json = new JsonObject
        {
            ["type"] = "external_account",
            ["audience"] = $"//iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/ci/providers/oidc",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["token_url"] = Host.BaseUri + "sts/v1/token",
            ["credential_source"] = new JsonObject { ["file"] = subjectFile },
            // Google's own host: the iamcredentials endpoint override sends it to the emulator.
            ["service_account_impersonation_url"] = $"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{pusher}:generateAccessToken",
        };
        using var session = await SessionWithCredentialFileAsync(json.ToJsonString());

        var principal = await PrincipalReadingProjectAsync(session);

        Assert.Equal(pusher, principal);
        Assert.Equal(pusher, session.Account);
        Assert.Single(RequestsTo("/sts/v1/token"));
    }

    [Fact]
    public async Task Missing_credential_file_is_reported_with_its_path()
    {
        var environment = EmulatorEnvironment();
        environment["GOOGLE_APPLICATION_CREDENTIALS"] = Path.Combine(ConfigDirectory, "absent.json");

        var error = await Assert.ThrowsAsync<CredentialsNotFoundException>(() => SessionAsync(environment));

        Assert.Contains("absent.json", error.Message);
    }
}
