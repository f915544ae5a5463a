using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>
/// A whole deployment with a custom OAuth client, a token and a removal, run in-process so that every stream is
/// seen, progress records included (a child pwsh cannot redirect those): no secret appears in any of them, nor in
/// the emulator's request log. The secrets are read where Google keeps them, not guessed.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class SecretsInNoStreamTests
{
    private const string Project = "ps-secrets-streams";
    private const string OAuthClientSecret = "GOCSPX-streams-must-not-show-me";

    private readonly EmulatorFixture emulator;

    public SecretsInNoStreamTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public void No_password_client_secret_or_token_appears_in_any_stream_or_in_the_request_log()
    {
        emulator.Host.State.AddProject(Project);
        emulator.Host.State.Grant(Project, "roles/owner", emulator.Deployer);
        var names = DeploymentNames.For(Project);

        var deploy = Run($"$secret = ConvertTo-SecureString '{OAuthClientSecret}' -AsPlainText -Force; " +
                         $"New-MlflowDeployment {TestImage.Argument} -ProjectId {Project} -Region europe-west1 -WebAppUser user:alice@example.com " +
                         "-OAuthClientId 42-streams.apps.googleusercontent.com -OAuthClientSecret $secret -Confirm:$false -Verbose -InformationAction Continue");
        var password = StoredPassword(names);
        var token = Run($"Get-MlflowDeployment -ProjectId {Project} | Get-MlflowTrackingToken -Refresh -Verbose -InformationAction Continue");
        var remove = Run($"Remove-MlflowDeployment -ProjectId {Project} -Name mlflow -DeleteData -Force -Verbose -InformationAction Continue");

        Assert.Empty(deploy.Errors.Concat(token.Errors).Concat(remove.Errors));
        var trackingToken = new NetworkCredential("", Assert.IsType<SecureString>(
            Assert.IsType<MlflowTrackingToken>(Assert.Single(token.Output).BaseObject).Token)).Password;
        var accessTokens = emulator.Host.State.Tokens.Issued();
        Assert.NotEmpty(accessTokens);
        var secrets = new Dictionary<string, string>
        {
            ["the database password"] = password,
            ["the OAuth client secret"] = OAuthClientSecret,
            ["the tracking token's signature"] = trackingToken.Split('.')[2],
        };
        foreach (var accessToken in accessTokens)
        {
            secrets["access token " + accessToken[..12] + "..."] = accessToken;
        }

        // The streams were really read: progress of each resource, debug lines of the calls that carried the secrets.
        var everything = deploy.Text + token.Text + remove.Text + RequestLogText();
        Assert.Contains(deploy.Progress, p => p.Contains("Cloud SQL", StringComparison.Ordinal));
        Assert.Contains(":addVersion", deploy.Text);
        Assert.Contains("updateMask=iap", deploy.Text);
        Assert.Contains(":signJwt", token.Text);
        foreach (var (what, value) in secrets)
        {
            Assert.False(everything.Contains(value, StringComparison.Ordinal), $"{what} appears in a stream or in the request log");
        }
    }

    /// <summary>The password the server reads: the secret's latest version, as Secret Manager holds it; the user really has it.</summary>
    private string StoredPassword(DeploymentNames names)
    {
        lock (emulator.Host.State.Gate)
        {
            var data = emulator.Host.State.ApiState<SecretManagerState>().Secrets[(Project, names.DatabasePasswordSecretName)].Versions.Last().Data!;
            var password = Encoding.UTF8.GetString(data);
            Assert.True(emulator.Host.State.SqlUserPasswordMatches(Project, names.SqlInstanceName, DeploymentNames.DatabaseUserName, password));
            return password;
        }
    }

    private string RequestLogText() => string.Join("\n", emulator.Host.Requests.Select(r => $"{r.Method} {r.Path}{r.Query} {r.Principal}"));

    private static Streams Run(string script)
    {
        using var shell = PowerShellRunner.Create();
        // Debug lines kept as a user's $DebugPreference would (-Debug would also ask before each one).
        shell.AddScript("$DebugPreference = 'Continue'; " + script);
        var output = shell.Invoke().ToList();
        var progress = shell.Streams.Progress.Select(p => $"{p.Activity} | {p.StatusDescription} | {p.CurrentOperation}").ToList();
        var text = new StringBuilder();
        // Output as a user would keep it: every property, serialized (a SecureString stays encrypted).
        output.ForEach(o => text.AppendLine(PSSerializer.Serialize(o, depth: 4)));
        foreach (var error in shell.Streams.Error)
        {
            text.AppendLine(error.ToString()).AppendLine(error.Exception?.ToString()).AppendLine(error.ErrorDetails?.ToString())
                .AppendLine(error.ErrorDetails?.RecommendedAction);
        }
        shell.Streams.Warning.ToList().ForEach(w => text.AppendLine(w.Message));
        shell.Streams.Verbose.ToList().ForEach(v => text.AppendLine(v.Message));
        shell.Streams.Debug.ToList().ForEach(d => text.AppendLine(d.Message));
        shell.Streams.Information.ToList().ForEach(i => text.AppendLine(i.MessageData?.ToString()));
        progress.ForEach(p => text.AppendLine(p));
        return new Streams(output, shell.Streams.Error.ToList(), progress, text.ToString());
    }

    private sealed record Streams(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Progress, string Text);
}
