using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Deployment;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Tests.Google;
using Xunit;

namespace OneClickMlflow.Tests.Server;

/// <summary>
/// The writes of a deployment under one transient failure each: refused (503), refused with a Retry-After of one
/// second (429), or acted on with the answer lost. A single run converges, nothing is made twice, a write sent once is
/// sent again only after a read, and not before the Retry-After.
/// </summary>
public sealed class WriteRetryTests : ServerDeploymentTestBase
{
    private const string AppsPath = "/appengine/v1/apps";
    private const string AppPath = AppsPath + "/" + Project;
    private const string AccountsPath = "/iam/v1/projects/" + Project + "/serviceAccounts";
    private const string BucketsPath = "/storage/storage/v1/b";
    private const string RepositoriesPath = "/artifactregistry/v1/projects/" + Project + "/locations/" + Region + "/repositories";
    private const string SecretsPath = "/secretmanager/v1/projects/" + Project + "/secrets";
    private const string ConnectionsPath = "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections";
    private const string InstancesPath = "/sql/sql/v1beta4/projects/" + Project + "/instances";
    private const string InstancePath = InstancesPath + "/mlflow-db";
    private const string VersionsPath = AppPath + "/services/default/versions";
    private const string ComputePath = "/compute/compute/v1/projects/" + Project + "/global";

    /// <summary>Every create with a deterministic name or id, and the path its resource is read at.</summary>
    private static readonly (string Api, string Create, string Read)[] Creates =
    {
        ("appengine", AppsPath, AppPath),
        ("iam", AccountsPath, AccountsPath + "/mlflow-log-pusher@" + Project + ".iam.gserviceaccount.com"),
        ("storage", BucketsPath, BucketsPath + "/"),
        ("artifactregistry", RepositoriesPath, RepositoriesPath + "/mlflow"),
        ("secretmanager", SecretsPath, SecretsPath + "/mlflow-db-password"),
        ("servicenetworking", ConnectionsPath, ConnectionsPath),
        ("sql", InstancesPath, InstancePath),
        ("sql", InstancePath + "/databases", InstancePath + "/databases/mlflow"),
        ("appengine", VersionsPath, AppPath + "/operations"),
    };

    public static TheoryData<string, string, string, string> EveryCreateAndFault()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (api, create, read) in Creates)
        {
            foreach (var step in FaultSteps.All)
            {
                data.Add(api, create, read, step);
            }
        }
        return data;
    }

    public static TheoryData<string> Faults()
    {
        var data = new TheoryData<string>();
        foreach (var step in FaultSteps.All)
        {
            data.Add(step);
        }
        return data;
    }

    private static string Fault(string api, string method, string path, string step) => FaultSteps.Rule(api, method, path, step);

    private static int StatusOf(string step) => FaultSteps.StatusOf(step);

    private List<RequestLogEntry> Sent(string method, string path) => Host.Requests.Where(r => r.Method == method && r.Path == path).ToList();

    /// <summary>One run succeeds and a plan afterwards has nothing left to change.</summary>
    private async Task<MlflowDeployment> ConvergesInOneRunAsync(DeploymentInput input)
    {
        var deployment = await DeployAsync(input);
        Assert.Empty(Drift(await PlanAsync(input)).Select(c => $"{c.ResourceId}: {c.Reason}"));
        return deployment;
    }

    /// <summary>
    /// The faulted write was answered (refused) and sent again after a read of <paramref name="read"/>, no sooner than
    /// the Retry-After for a 429; or it was acted on without an answer and, the read finding its effect, not sent again.
    /// </summary>
    private void SentAgainOnlyAfterARead(string method, string path, string read, string step)
    {
        var sent = Sent(method, path);
        if (step == "lost")
        {
            Assert.Equal(new[] { 0 }, sent.Select(r => r.Status));
            return;
        }
        Assert.Equal(new[] { StatusOf(step), 200 }, sent.Select(r => r.Status));
        Assert.Contains(Host.Requests, r => !(r.Method == method && r.Path == path) && r.Path.StartsWith(read, StringComparison.Ordinal)
                                            && r.Time > sent[0].Time && r.Time < sent[1].Time);
        if (step == "429")
        {
            Assert.True(sent[1].Time - sent[0].Time >= FaultSteps.RetryAfter - TimeSpan.FromMilliseconds(50),
                $"sent again {(sent[1].Time - sent[0].Time).TotalMilliseconds} ms after a Retry-After of {FaultSteps.RetryAfter.TotalSeconds} s");
        }
    }

    [Theory]
    [MemberData(nameof(EveryCreateAndFault))]
    public async Task Every_create_converges_in_one_run_and_is_sent_again_only_after_a_read(string api, string create, string read, string step)
    {
        if (api == "iam")
        {
            // One account to create, so that every create on the path is the faulted one's.
            Edit(s => s.AddServiceAccount(Names.ServerServiceAccountEmail, Project));
        }
        await AddFaultAsync(Fault(api, "POST", create, step));

        await ConvergesInOneRunAsync(Input(webUsers: "user:alice@example.com"));

        SentAgainOnlyAfterARead("POST", create, read, step);
        Assert.Single(VersionIds("default"));
        Assert.Single(Buckets());
        Assert.Equal(2, ServiceAccountEmails().Count);
    }

    [Fact]
    public async Task A_create_refused_every_time_says_it_never_reached_google_and_nothing_was_made()
    {
        await AddFaultAsync($$"""{"api":"storage","method":"POST","path":"{{BucketsPath}}","rate":1.0,"status":503}""");

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => DeployAsync(Input()));

        var failure = Assert.Single(error.Report.Failed);
        Assert.Equal("bucket", failure.ResourceId);
        Assert.Contains($"The request to create Artifacts bucket '{Names.BucketName}' did not reach storage.googleapis.com", failure.Error!.Message);
        Assert.Contains("nothing was created", failure.Error.Message);
        Assert.Empty(Buckets());
        var sent = Sent("POST", BucketsPath);
        Assert.True(sent.Count > 1);
        Assert.All(sent.Zip(sent.Skip(1)), pair => Assert.Contains(Host.Requests,
            r => r.Method == "GET" && r.Path == $"{BucketsPath}/{Names.BucketName}" && r.Time > pair.First.Time && r.Time < pair.Second.Time));
    }

    [Theory]
    [InlineData("networks", "503")]
    [InlineData("networks", "429")]
    [InlineData("networks", "lost")]
    [InlineData("addresses", "503")]
    [InlineData("addresses", "lost")]
    public async Task A_compute_insert_is_sent_again_with_its_request_id_so_compute_makes_it_once(string collection, string step)
    {
        await AddFaultAsync(Fault("compute", "POST", $"{ComputePath}/{collection}", step));

        await ConvergesInOneRunAsync(Input());

        var sent = Sent("POST", $"{ComputePath}/{collection}");
        Assert.Equal(new[] { StatusOf(step), 200 }, sent.Select(r => r.Status));
        Assert.Single(sent.Select(r => r.Query).Distinct());
        Assert.Single(Networks());
        Assert.Single(PeeringRanges());
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_iap_policy_write_converges_in_one_run_from_a_fresh_read(string step)
    {
        await AddFaultAsync(Fault("iap", "POST", IapPolicyPath(":setIamPolicy"), step));

        await ConvergesInOneRunAsync(Input(webUsers: "user:alice@example.com"));

        SentAgainOnlyAfterARead("POST", IapPolicyPath(":setIamPolicy"), IapPolicyPath(":getIamPolicy"), step);
        Assert.Equal(new[] { "serviceAccount:" + Names.LogPusherServiceAccountEmail, "user:alice@example.com" }, IapMembers("default"));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_range_label_write_converges_in_one_run_with_the_fingerprint_read_again(string step)
    {
        var path = $"{ComputePath}/addresses/{Names.PeeringRangeName}/setLabels";
        await AddFaultAsync(Fault("compute", "POST", path, step));

        await ConvergesInOneRunAsync(Input());

        SentAgainOnlyAfterARead("POST", path, $"{ComputePath}/addresses/{Names.PeeringRangeName}", step);
        Assert.Equal(Names.LabelValue, Read(s => s.ApiState<ComputeState>().Addresses.Values.Single(a => a.ProjectId == Project).Labels[DeploymentNames.LabelKey]));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_instance_patch_converges_in_one_run_with_the_settings_version_read_again(string step)
    {
        await DeployAsync(Input());
        Edit(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].Settings["deletionProtectionEnabled"] = false);
        Host.ClearRequests();
        await AddFaultAsync(Fault("sql", "PATCH", InstancePath, step));

        await ConvergesInOneRunAsync(Input());

        SentAgainOnlyAfterARead("PATCH", InstancePath, InstancePath, step);
        Assert.True(Read(s => s.ApiState<CloudSqlState>().Instances[(Project, Names.SqlInstanceName)].DeletionProtected));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_old_version_delete_converges_in_one_run(string step)
    {
        var first = await DeployAsync(Input(TestImages.First));
        await DeployAsync(Input(TestImages.Second));
        await AddFaultAsync(Fault("appengine", "DELETE", $"{VersionsPath}/{first.ServingVersion}", step));

        var third = await ConvergesInOneRunAsync(Input(TestImages.Third));

        Assert.DoesNotContain(first.ServingVersion, VersionIds("default"));
        Assert.Contains(third.ServingVersion, VersionIds("default"));
        Assert.Equal(StatusOf(step), Sent("DELETE", $"{VersionsPath}/{first.ServingVersion}")[0].Status);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_removal_deletes_the_versions_in_one_run_when_a_delete_fails_once(string step)
    {
        var first = await DeployAsync(Input(TestImages.First));
        var second = await DeployAsync(Input(TestImages.Second));
        await AddFaultAsync(Fault("appengine", "DELETE", $"{VersionsPath}/{first.ServingVersion}", step));

        var report = await RemoveAsync(Input(TestImages.Second));

        Assert.Empty(report.Failed);
        Assert.Equal(new[] { second.ServingVersion }, VersionIds("default"));
        Assert.Equal("STOPPED", Read(s => Service("default")!.Versions[second.ServingVersion].ServingStatus));
        Assert.Equal(StatusOf(step), Sent("DELETE", $"{VersionsPath}/{first.ServingVersion}")[0].Status);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_deployment_converges_in_one_run_when_the_token_endpoint_fails_three_times(string step)
    {
        // Three in a row: more than the credential library's own retries, so the request itself waits for a token.
        var failure = step == "lost" ? "\"lost\"" : step;
        await AddFaultAsync($$"""{"api":"oauth2","path":"/oauth2/token","script":[{{failure}},{{failure}},{{failure}}],"retryAfterSeconds":1}""");

        await ConvergesInOneRunAsync(Input());

        Assert.Equal(new[] { StatusOf(step), StatusOf(step), StatusOf(step), 200 }, Sent("POST", "/oauth2/token").Take(4).Select(r => r.Status));
    }

    private string IapPolicyPath(string verb) =>
        $"/iap/v1/projects/{Read(s => s.GetProject(Project).ProjectNumber)}/iap_web/appengine-{Project}/services/default{verb}";
}
