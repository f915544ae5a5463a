using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Google;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// Each deployment has its own log pusher, on its own IAP list only: a web user of one deployment reaches no other,
/// neither through IAP nor with a token minted as another deployment's account.
/// </summary>
public sealed class LogPusherIsolationTests : ServerDeploymentTestBase
{
    private const string Alice = "user:alice@example.com";
    private const string Bob = "user:bob@example.com";
    private const string TokenCreator = "roles/iam.serviceAccountTokenCreator";

    private static DeploymentNames TeamB => DeploymentNames.For(Project, "team-b");

    private static DeploymentNames TeamC => DeploymentNames.For(Project, "team-c");

    private List<string> Members(string? email, string role) => Read(s =>
        s.FindServiceAccount(email!)?.Policy.Bindings.Where(b => b.Role == role).SelectMany(b => b.Members).OrderBy(m => m).ToList()
        ?? new List<string>());

    /// <summary>A token of <paramref name="account"/> for the server, minted with the user's own credentials, as Get-MlflowTrackingToken does.</summary>
    private async Task<IssuedToken> MintAsync(string user, Uri trackingUri, params string[] accounts)
    {
        using var session = await SessionWithCredentialFileAsync(Host.IssueAuthorizedUser(user.Substring("user:".Length)));
        return await new TrackingTokenIssuer(session, new TrackingTokenCache())
            .IssueAsFirstAllowedAsync(new TrackingTokenRequest(trackingUri, accounts[0]) { Refresh = true }, accounts, CancellationToken.None);
    }

    /// <summary>An image in team-b's own repository, for tests where team-b is the project's only deployment.</summary>
    private const string TeamBImage = "europe-west1-docker.pkg.dev/" + Project + "/team-b/mlflow@sha256:" + "4444444444444444444444444444444444444444444444444444444444444444";

    /// <summary>Asks the server, through the emulator's IAP front door for the tracking URL's host.</summary>
    private async Task<HttpStatusCode> CallServerAsync(Uri trackingUri, string token)
    {
        using var http = new HttpClient();
        var frontDoor = new Uri(Host.BaseUri, $"appspot/{trackingUri.Host}/");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(frontDoor, "health"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Each_deployment_has_its_own_log_pusher_on_its_own_iap_list_and_its_people_may_sign_only_as_it()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));

        Assert.Equal(new[] { "serviceAccount:" + Names.LogPusherServiceAccountEmail, Alice }.OrderBy(m => m), IapMembers("default"));
        Assert.Equal(new[] { "serviceAccount:" + TeamB.LogPusherServiceAccountEmail, Bob }.OrderBy(m => m), IapMembers("team-b"));
        Assert.Equal(new[] { Alice }, Members(Names.LogPusherServiceAccountEmail, TokenCreator));
        Assert.Equal(new[] { Bob }, Members(TeamB.LogPusherServiceAccountEmail, TokenCreator));
    }

    [Fact]
    public async Task A_web_user_of_one_deployment_is_refused_by_iap_on_another_and_cannot_mint_a_token_it_accepts()
    {
        var a = await DeployAsync(Input(webUsers: new[] { Alice }));
        var b = await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));

        var ownToken = await MintAsync(Alice, a.TrackingUri!, Names.LogPusherServiceAccountEmail);
        Assert.Equal(HttpStatusCode.OK, await CallServerAsync(a.TrackingUri!, ownToken.Value));

        // Signed as her own deployment's account for B's server: B's IAP does not list that account.
        var forB = await MintAsync(Alice, b.TrackingUri!, Names.LogPusherServiceAccountEmail);
        Assert.Equal(HttpStatusCode.Forbidden, await CallServerAsync(b.TrackingUri!, forB.Value));

        // Signed as B's account: she may not.
        var refused = await Assert.ThrowsAsync<TrackingTokenException>(() => MintAsync(Alice, b.TrackingUri!, TeamB.LogPusherServiceAccountEmail));
        Assert.Equal(TrackingTokenFailure.PermissionDenied, refused.Failure);
        var bobs = await MintAsync(Bob, b.TrackingUri!, TeamB.LogPusherCandidates.ToArray());
        Assert.Equal(HttpStatusCode.OK, await CallServerAsync(b.TrackingUri!, bobs.Value));
    }

    [Fact]
    public async Task Extra_grants_on_the_log_pusher_and_the_iap_list_are_drift_and_a_rerun_takes_them_off()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));
        lock (Host.State.Gate)
        {
            Host.State.FindServiceAccount(TeamB.LogPusherServiceAccountEmail)!.Policy.AddBinding("roles/iam.serviceAccountKeyAdmin", "user:mallory@example.com");
            Host.State.FindServiceAccount(TeamB.LogPusherServiceAccountEmail)!.Policy.AddBinding(TokenCreator, "user:mallory@example.com");
            Service("team-b")!.IapPolicy.AddBinding("roles/iap.httpsResourceAccessor", "serviceAccount:" + TeamC.LogPusherServiceAccountEmail);
        }

        // Get-MlflowDeployment's plan: the server as it runs is wanted, so only what the deployment itself decides is drift.
        using (var session = await SessionAsync())
        {
            var spec = await DeploymentDiscovery.SpecOfAsync(session, Project, new DeploymentLocation("team-b", Region), CancellationToken.None);
            var plan = await new DeploymentEngine().PlanAsync(DeploymentGraphBuilder.Build(spec, session).Resources, CancellationToken.None);
            var keyless = plan.Changes.Single(c => c.ResourceId == "keyless-logging");
            var access = plan.Changes.Single(c => c.ResourceId == "iap-access");
            Assert.True(keyless.Action == ChangeAction.Update, keyless.Reason);
            Assert.Contains("roles/iam.serviceAccountKeyAdmin for user:mallory@example.com", keyless.Reason);
            Assert.Contains($"{TokenCreator} for user:mallory@example.com", keyless.Reason);
            Assert.Equal(ChangeAction.Update, access.Action);
            Assert.Contains("revoke serviceAccount:" + TeamC.LogPusherServiceAccountEmail, access.Reason);
        }

        await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));

        Assert.Equal(new[] { Bob }, Members(TeamB.LogPusherServiceAccountEmail, TokenCreator));
        Assert.Empty(Members(TeamB.LogPusherServiceAccountEmail, "roles/iam.serviceAccountKeyAdmin"));
        Assert.Equal(new[] { "serviceAccount:" + TeamB.LogPusherServiceAccountEmail, Bob }.OrderBy(m => m), IapMembers("team-b"));
    }

    [Fact]
    public async Task A_deployment_on_the_shared_log_pusher_moves_to_its_own_and_every_listed_user_can_log_at_every_step()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        var b = await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob, Alice }));
        MakeTeamBUseTheSharedLogPusher();
        Assert.Equal(HttpStatusCode.OK, await CallServerAsync(b.TrackingUri!, (await MintAsync(Bob, b.TrackingUri!, TeamB.LogPusherCandidates.ToArray())).Value));

        // After every step of the re-run, both listed users still get a token IAP accepts.
        var checkedSteps = new List<string>();
        var failures = new List<string>();
        using var session = await SessionAsync();
        var graph = DeploymentGraphBuilder.Build(MlflowDeploymentSpec.From(Input(name: "team-b", webUsers: new[] { Bob, Alice })), session);
        var engine = new DeploymentEngine(new DeploymentEngineOptions
        {
            OnEvent = e =>
            {
                if (e.Phase != ResourcePhase.Succeeded)
                {
                    return;
                }
                foreach (var user in new[] { Bob, Alice })
                {
                    var status = Task.Run(async () => await CallServerAsync(b.TrackingUri!,
                        (await MintAsync(user, b.TrackingUri!, TeamB.LogPusherCandidates.ToArray())).Value)).GetAwaiter().GetResult();
                    if (status != HttpStatusCode.OK)
                    {
                        failures.Add($"{user} after {e.ResourceId}: {status}");
                    }
                }
                checkedSteps.Add(e.ResourceId);
            },
        });
        var plan = await engine.PlanAsync(graph.Resources, CancellationToken.None);
        Assert.Equal(ChangeAction.Update, plan.Changes.Single(c => c.ResourceId == "shared-log-pusher").Action);
        await engine.ApplyAsync(plan.ApproveAll(), CancellationToken.None);

        Assert.Empty(failures);
        Assert.Contains("log-pusher-account", checkedSteps);
        Assert.Contains("shared-log-pusher", checkedSteps);
        Assert.Equal(new[] { "serviceAccount:" + TeamB.LogPusherServiceAccountEmail, Alice, Bob }.OrderBy(m => m), IapMembers("team-b"));
        // Alice stays on the shared account: it is the default deployment's own, whose list names her. Bob's grant goes.
        Assert.Equal(new[] { Alice }, Members(Names.LogPusherServiceAccountEmail, TokenCreator));
        Assert.NotNull(Read(s => s.FindServiceAccount(Names.LogPusherServiceAccountEmail)));
        var bucketMembers = Read(s => s.ApiState<Emulator.Apis.StorageState>().Buckets[TeamB.BucketName].Policy.Bindings.SelectMany(x => x.Members).ToList());
        Assert.DoesNotContain("serviceAccount:" + Names.LogPusherServiceAccountEmail, bucketMembers);
    }

    [Fact]
    public async Task The_shared_log_pusher_is_deleted_once_the_last_deployment_relying_on_it_has_moved_off()
    {
        var b = await DeployAsync(Input(TeamBImage, name: "team-b", webUsers: new[] { Bob }));
        MakeTeamBUseTheSharedLogPusher(b.Service!);

        await DeployAsync(Input(TeamBImage, name: "team-b", webUsers: new[] { Bob }));

        Assert.Null(Read(s => s.FindServiceAccount(Names.LogPusherServiceAccountEmail)));
        Assert.Equal(HttpStatusCode.OK, await CallServerAsync(b.TrackingUri!, (await MintAsync(Bob, b.TrackingUri!, TeamB.LogPusherCandidates.ToArray())).Value));
    }

    [Fact]
    public async Task Removing_the_default_deployment_keeps_its_log_pusher_while_another_deployment_still_lists_it()
    {
        await DeployAsync(Input(webUsers: new[] { Alice }));
        await DeployAsync(Input(name: "team-b", webUsers: new[] { Bob }));
        MakeTeamBUseTheSharedLogPusher();

        var report = await RemoveAsync(Input(webUsers: new[] { Alice }));

        Assert.Equal(ResourceOutcome.Unchanged, report.Resources.Single(r => r.ResourceId == "log-pusher-account").Outcome);
        Assert.Contains("service 'team-b'", report.Resources.Single(r => r.ResourceId == "log-pusher-account").Change.Reason);
        Assert.Equal(new[] { Bob }, Members(Names.LogPusherServiceAccountEmail, TokenCreator));
    }

    /// <summary>
    /// What the module made before each deployment had its own log pusher: the shared account on team-b's IAP list and
    /// object admin on its bucket, team-b's people may sign as it, and no team-b-log-pusher.
    /// </summary>
    private void MakeTeamBUseTheSharedLogPusher(string serviceId = "team-b")
    {
        var shared = "serviceAccount:" + Names.LogPusherServiceAccountEmail;
        lock (Host.State.Gate)
        {
            if (Host.State.FindServiceAccount(Names.LogPusherServiceAccountEmail) is null)
            {
                Host.State.AddServiceAccount(Names.LogPusherServiceAccountEmail, Project);
            }
            var service = Service(serviceId)!;
            var people = service.IapPolicy.Bindings.Where(x => x.Role == "roles/iap.httpsResourceAccessor").SelectMany(x => x.Members)
                .Where(m => m.StartsWith("user:", StringComparison.Ordinal)).ToList();
            var policy = service.IapPolicy.ToJson();
            foreach (var members in (policy["bindings"] as JsonArray ?? new JsonArray()).Select(x => x!["members"]!.AsArray()))
            {
                members.Where(m => (string?)m == "serviceAccount:" + TeamB.LogPusherServiceAccountEmail).ToList().ForEach(m => members.Remove(m));
            }
            service.IapPolicy.Replace(policy, updateMask: null);
            service.IapPolicy.AddBinding("roles/iap.httpsResourceAccessor", shared);
            foreach (var person in people)
            {
                Host.State.FindServiceAccount(Names.LogPusherServiceAccountEmail)!.Policy.AddBinding(TokenCreator, person);
            }
            Host.State.ApiState<Emulator.Apis.StorageState>().Buckets[TeamB.BucketName].Policy.AddBinding("roles/storage.objectAdmin", shared);
        }
        Host.State.RemoveServiceAccount(TeamB.LogPusherServiceAccountEmail);
    }
}
