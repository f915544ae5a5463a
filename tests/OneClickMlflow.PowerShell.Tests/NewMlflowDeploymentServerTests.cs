using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Google;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// New-MlflowDeployment end to end with -Image: the reported tracking URL reaches the emulator's IAP front door,
/// Get-MlflowTrackingToken opens it, and MLflow's REST API answers behind it.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class NewMlflowDeploymentServerTests
{
    private readonly EmulatorFixture emulator;

    public NewMlflowDeploymentServerTests(EmulatorFixture emulator) => this.emulator = emulator;

    private string NewProject(string id)
    {
        emulator.Host.State.AddProject(id);
        emulator.Host.State.Grant(id, "roles/owner", emulator.Deployer);
        return id;
    }

    private static MlflowDeployment Deploy(string arguments)
    {
        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -Region europe-west1 {arguments}");
        Assert.Empty(result.Errors);
        return Assert.IsType<MlflowDeployment>(Assert.Single(result.Output).BaseObject);
    }

    private static string Token(string script)
    {
        var result = PowerShellRunner.Run(script);
        Assert.Empty(result.Errors);
        return (string)Assert.IsType<MlflowTrackingToken>(Assert.Single(result.Output).BaseObject).Token;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(Uri trackingUri, string token, string route, object body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(trackingUri, "api/2.0/mlflow/" + route))
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task A_deployment_takes_a_token_from_the_pipeline_and_logs_a_metric_through_iap()
    {
        var project = NewProject("ps-server-e2e");

        var deployment = Deploy($"-ProjectId {project} -WebAppUser user:alice@example.com");
        var token = Token($"Get-MlflowDeployment -ProjectId {project} | Get-MlflowTrackingToken -AsPlainText");
        var experiment = await PostAsync(deployment.TrackingUri!, token, "experiments/create", new { name = "demo" });
        var experimentId = (string)experiment.Body!["experiment_id"]!;
        var run = await PostAsync(deployment.TrackingUri!, token, "runs/create", new { experiment_id = experimentId });
        var runId = (string)run.Body!["run"]!["info"]!["run_id"]!;
        var metric = await PostAsync(deployment.TrackingUri!, token, "runs/log-metric", new { run_id = runId, key = "loss", value = 0.25, timestamp = 1, step = 0 });

        var app = emulator.Host.State.ApiState<AppEngineState>().Apps[project];
        Assert.Equal(AppServingEndpoint.TrackingUriFor(app.DefaultHostname), deployment.TrackingUri);
        Assert.Equal(HttpStatusCode.OK, experiment.Status);
        Assert.Equal(HttpStatusCode.OK, run.Status);
        Assert.Equal(HttpStatusCode.OK, metric.Status);
        Assert.Equal("default", deployment.Service);
        Assert.True(deployment.IapEnabled);
        Assert.True(deployment.KeylessLogging);
        Assert.Equal(TestImage.Reference, deployment.Image);
    }

    [Fact]
    public async Task A_member_dropped_from_the_web_users_gets_403_after_the_rerun()
    {
        var project = NewProject("ps-server-drop");
        var trainer = $"trainer@{project}.iam.gserviceaccount.com";
        emulator.Host.State.AddServiceAccount(trainer, project);
        var deployment = Deploy($"-ProjectId {project} -WebAppUser serviceAccount:{trainer}");
        var token = Token($"Get-MlflowTrackingToken -TrackingUri '{deployment.TrackingUri}' -ServiceAccount {trainer} -AsPlainText");
        var before = await PostAsync(deployment.TrackingUri!, token, "experiments/create", new { name = "before" });

        Deploy($"-ProjectId {project} -WebAppUser user:alice@example.com");
        var after = await PostAsync(deployment.TrackingUri!, token, "experiments/create", new { name = "after" });

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HttpStatusCode.Forbidden, after.Status);
    }

    [Fact]
    public async Task An_expired_token_and_a_token_for_another_host_get_401()
    {
        var project = NewProject("ps-server-401");
        var deployment = Deploy($"-ProjectId {project}");
        var logPusher = DeploymentNames.For(project).LogPusherServiceAccountEmail;
        var audience = AppServingEndpoint.IapAudienceOf(deployment.TrackingUri!);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var expired = await SignAsync(logPusher, audience, now - 7200, now - 3600);
        var otherHost = await SignAsync(logPusher, "https://another-project.ew.r.appspot.com/*", now, now + 600);
        var valid = await SignAsync(logPusher, audience, now, now + 600);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(deployment.TrackingUri!, expired, "experiments/create", new { name = "a" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(deployment.TrackingUri!, otherHost, "experiments/create", new { name = "b" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(deployment.TrackingUri!, valid, "experiments/create", new { name = "c" })).Status);
    }

    [Fact]
    public void An_unchanged_rerun_creates_no_version_and_makes_no_mutating_request()
    {
        var project = NewProject("ps-server-rerun");
        var first = Deploy($"-ProjectId {project} -WebAppUser user:alice@example.com");
        emulator.Host.ClearRequests();

        var again = Deploy($"-ProjectId {project} -WebAppUser user:alice@example.com");

        Assert.Equal(first.ServingVersion, again.ServingVersion);
        Assert.Equal(0, again.ChangeCount);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        Assert.Single(emulator.Host.State.ApiState<AppEngineState>().Apps[project].Services["default"].Versions);
    }

    [Fact]
    public void A_custom_oauth_client_is_reported_by_the_app_and_its_secret_appears_in_no_stream()
    {
        var project = NewProject("ps-server-oauth");
        const string secret = "GOCSPX-do-not-print-me";

        var result = PowerShellRunner.Run(
            $"$secret = ConvertTo-SecureString '{secret}' -AsPlainText -Force; " +
            $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -OAuthClientId 42-abc.apps.googleusercontent.com " +
            "-OAuthClientSecret $secret -Verbose -Debug -Confirm:$false *>&1 | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 400 }");

        var app = emulator.Host.State.ApiState<AppEngineState>().Apps[project];
        Assert.Equal("42-abc.apps.googleusercontent.com", app.OAuthClientId);
        Assert.NotNull(app.OAuthClientSecretSha256);
        var everything = string.Join("\n", result.Output.Select(o => o.ToString()).Concat(result.Verbose));
        Assert.Matches(@"OAuthClient\s+: 42-abc\.apps\.googleusercontent\.com", everything);
        Assert.Contains("updateMask=iap", everything); // the debug line of the request that carried the secret
        Assert.DoesNotContain(secret, everything);
    }

    [Fact]
    public void A_project_in_no_organization_is_refused_before_any_change_with_the_custom_client_remedy()
    {
        var project = "ps-server-no-org";
        emulator.Host.State.AddProject(project, parent: EmulatorState.NoOrganization);
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:alice@example.com");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("DeploymentCannotBeChanged,", error.FullyQualifiedErrorId);
        Assert.Contains($"project '{project}' belongs to no organization", error.ToString());
        Assert.Contains("-OAuthClientId and -OAuthClientSecret", error.ToString());
        Assert.Contains("Get-MlflowTrackingToken", error.ToString());
        Assert.Empty(result.Output);
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public void A_deployer_who_cannot_read_the_organization_is_warned_and_the_plan_goes_on()
    {
        var project = "ps-server-hidden-org";
        emulator.Host.State.AddOrganization("200000000007", "hidden.example");
        emulator.Host.State.AddProject(project, parent: "organizations/200000000007");
        emulator.Host.State.Grant(project, "roles/owner", emulator.Deployer);

        var result = PowerShellRunner.Run(
            $"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -WebAppUser user:bob@gmail.com -PlanOnly");

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("could not be read", warning);
        Assert.Contains("user:bob@gmail.com", warning);
        Assert.Contains("-OAuthClientId", warning);
    }

    [Fact]
    public void A_second_deployment_with_another_oauth_client_is_refused_naming_the_first_unless_told_to_change_the_shared_client()
    {
        var project = NewProject("ps-server-shared-oauth");
        Deploy($"-ProjectId {project}");
        const string client = "-OAuthClientId 42-abc.apps.googleusercontent.com -OAuthClientSecret (ConvertTo-SecureString 's3cret' -AsPlainText -Force)";
        emulator.Host.ClearRequests();

        var refused = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1 -Name team-b {client}");
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
        var moved = Deploy($"-ProjectId {project} -Name team-b {client} -ChangeSharedOAuthClient");

        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("DeploymentCannotBeChanged,", error.FullyQualifiedErrorId);
        Assert.Contains("deployment 'mlflow' relies on Google's managed OAuth client", error.ToString());
        Assert.Contains("-ChangeSharedOAuthClient", error.ToString());
        Assert.Equal("42-abc.apps.googleusercontent.com", moved.OAuthClient);
        Assert.Equal("42-abc.apps.googleusercontent.com", emulator.Host.State.ApiState<AppEngineState>().Apps[project].OAuthClientId);
    }

    [Fact]
    public void An_app_in_another_region_is_refused_before_any_change()
    {
        var project = NewProject("ps-server-region");
        Deploy($"-ProjectId {project}");
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region us-east1 -Name other");

        var error = Assert.Single(result.Errors);
        Assert.Contains("europe-west", error.ToString());
        Assert.Contains("can never change", error.ToString());
        Assert.DoesNotContain(emulator.Host.Requests, r => r.Mutating);
    }

    [Fact]
    public void A_second_deployment_gets_its_own_service_and_get_reports_both_in_sync()
    {
        var project = NewProject("ps-server-second");
        var first = Deploy($"-ProjectId {project}");
        var second = Deploy($"-ProjectId {project} -Name team-b");

        var found = PowerShellRunner.Run($"Get-MlflowDeployment -ProjectId {project}");

        Assert.Equal("default", first.Service);
        Assert.Equal("team-b", second.Service);
        Assert.Contains("team-b-dot-", second.TrackingUri!.ToString());
        Assert.Empty(found.Errors);
        var deployments = found.Output.Select(o => Assert.IsType<MlflowDeployment>(o.BaseObject)).ToList();
        Assert.All(deployments, d => Assert.True(d.InSync, string.Join("; ", d.Drift)));
        Assert.Equal(new[] { first.ServingVersion, second.ServingVersion }, deployments.Select(d => d.ServingVersion));
    }

    [Fact]
    public async Task A_token_by_project_and_name_is_for_the_service_that_serves_that_deployment()
    {
        var project = NewProject("ps-server-token-by-name");
        var first = Deploy($"-ProjectId {project}");
        var second = Deploy($"-ProjectId {project} -Name team-b");

        var result = PowerShellRunner.Run($"Get-MlflowTrackingToken -ProjectId {project} -Name team-b -AsPlainText");
        var unknown = PowerShellRunner.Run($"Get-MlflowTrackingToken -ProjectId {project} -Name team-c");

        Assert.Empty(result.Errors);
        var token = Assert.IsType<MlflowTrackingToken>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(second.TrackingUri!.ToString().TrimEnd('/'), token.TrackingUri);
        Assert.NotEqual(first.TrackingUri, second.TrackingUri);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(second.TrackingUri!, "health"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)token.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        var error = Assert.Single(unknown.Errors);
        Assert.StartsWith("UnknownDeployment,", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void The_version_progress_bar_says_which_version_of_which_service_is_being_made()
    {
        var project = NewProject("ps-server-progress");

        var result = PowerShellRunner.Run($"New-MlflowDeployment {TestImage.Argument} -ProjectId {project} -Region europe-west1");

        Assert.Empty(result.Errors);
        Assert.Contains(result.Progress, p => p.Activity.Contains("App Engine version") &&
            p.StatusDescription.Contains("creating version v-0123456789ab-") && p.StatusDescription.Contains("service 'default'"));
    }

    [Fact]
    public void A_bad_server_parameter_is_refused_before_any_call()
    {
        emulator.Host.ClearRequests();

        var result = PowerShellRunner.Run($"New-MlflowDeployment -ProjectId ps-server-bad -Region europe-west1 {TestImage.Argument} -Cpu 2 -MemoryGb 20");

        var error = Assert.Single(result.Errors);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-MemoryGb", error.ToString());
        Assert.Empty(emulator.Host.Requests);
    }

    private static async Task<string> SignAsync(string account, string audience, long issuedAt, long expires)
    {
        using var session = await GoogleCloudSession.CreateAsync(new GoogleCloudSessionOptions(), CancellationToken.None);
        var payload = JsonSerializer.Serialize(new { iss = account, sub = account, aud = audience, iat = issuedAt, exp = expires });
        return (await session.IamCredentials.SignJwtAsync(account, payload, CancellationToken.None)).SignedJwt!;
    }
}
