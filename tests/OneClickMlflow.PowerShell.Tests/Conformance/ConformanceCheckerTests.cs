using System;
using System.Linq;
using System.Threading.Tasks;
using OneClickMlflow.Emulator.Recording;
using Xunit;
using Xunit.Abstractions;

namespace OneClickMlflow.Tests.Conformance;

/// <summary>The conformance checker on crafted exchanges: it catches each rule it claims and passes a correct exchange.</summary>
public sealed class ConformanceCheckerTests
{
    private const string Connections = "/servicenetworking/v1/services/servicenetworking.googleapis.com/connections";
    private const string Operation = """{"name":"operations/op-1","done":true}""";

    private readonly ITestOutputHelper output;

    public ConformanceCheckerTests(ITestOutputHelper output) => this.output = output;

    private static Exchange Call(string method, string path, string query = "", string? body = null, string? response = null, int status = 200) =>
        new(1, DateTimeOffset.UnixEpoch, method, path, query, path.Split('/')[1], body is null ? null : "application/json",
            body?.Length ?? 0, body, status, "application/json", response?.Length ?? 0, response);

    private async Task<ConformanceOutcome?> CheckAsync(params Exchange[] exchanges)
    {
        var scripts = ConformanceScripts.Find(output);
        return scripts is null ? null : await scripts.CheckAsync(exchanges);
    }

    /// <summary>The one finding, its exit code 1, and the rule and field it names.</summary>
    private async Task ExpectFindingAsync(Exchange exchange, string expected)
    {
        var outcome = await CheckAsync(exchange);
        if (outcome is null)
        {
            return;
        }
        Assert.Equal(1, outcome.ExitCode);
        var finding = Assert.Single(outcome.Findings);
        Assert.Contains(expected, finding);
        Assert.Contains($"{exchange.Method} {exchange.Path}", finding);
    }

    [Fact]
    public async Task Correct_requests_and_answers_pass_and_the_out_of_scope_endpoints_are_listed_as_skipped()
    {
        var outcome = await CheckAsync(
            Call("POST", Connections, body: """{"network":"projects/1/global/networks/n","reservedPeeringRanges":["r"]}""", response: Operation),
            Call("PATCH", Connections + "/-", "?force=true&updateMask=reservedPeeringRanges",
                """{"network":"projects/1/global/networks/n","reservedPeeringRanges":["r"]}""", Operation),
            Call("POST", Connections + "/-", body: """{"consumerNetwork":"projects/1/global/networks/n"}""", response: Operation),
            Call("POST", "/iam/v1/projects/p/serviceAccounts/a@p.iam.gserviceaccount.com:getIamPolicy", "?options.requestedPolicyVersion=3",
                response: """{"version":1,"etag":"BwE="}"""),
            Call("PATCH", "/appengine/v1/apps/p", "?updateMask=iap", """{"iap":{"enabled":true}}""", """{"name":"apps/p/operations/o"}"""),
            Call("GET", "/storage/storage/v1/b/bucket/iam", "?optionsRequestedPolicyVersion=3", response: """{"kind":"storage#policy","bindings":[]}"""),
            Call("POST", "/oauth2/token", response: """{"access_token":"REDACTED"}"""));

        if (outcome is null)
        {
            return;
        }
        Assert.True(outcome.ExitCode == 0, outcome.Report);
        Assert.Empty(outcome.Findings);
        Assert.Contains("checked 6 exchanges", outcome.Summary);
        Assert.Contains("skipped 1 exchanges under /oauth2/ (OAuth 2.0 token endpoint", outcome.Summary);
    }

    [Fact]
    public Task A_custom_verb_no_method_has_is_a_finding_even_where_the_loose_name_form_would_match() =>
        ExpectFindingAsync(Call("POST", Connections + "/-:deleteConnection", body: """{"consumerNetwork":"projects/1/global/networks/n"}"""),
            "(no method) POST " + Connections + "/-:deleteConnection -- unknown-custom-verb: :deleteConnection");

    [Fact]
    public Task An_unknown_body_field_is_named_with_its_path() =>
        ExpectFindingAsync(Call("POST", "/compute/compute/v1/projects/p/global/networks",
                body: """{"name":"n","routingConfig":{"routingMode":"REGIONAL","bogusMode":true}}"""),
            "compute.networks.insert POST /compute/compute/v1/projects/p/global/networks -- request-unknown-field: routingConfig.bogusMode");

    [Fact]
    public Task An_enum_value_the_message_lacks_is_a_finding_listing_the_allowed_values() =>
        ExpectFindingAsync(Call("POST", "/compute/compute/v1/projects/p/global/addresses",
                body: """{"name":"r","purpose":"VPC_PEERING","addressType":"PRIVATE","prefixLength":16}"""),
            "request-invalid-enum-value: addressType (\"PRIVATE\" is not one of EXTERNAL, INTERNAL, UNSPECIFIED_TYPE)");

    [Fact]
    public Task A_value_of_the_wrong_type_is_a_finding() =>
        ExpectFindingAsync(Call("POST", Connections, body: """{"network":5}"""),
            "servicenetworking.services.connections.create POST " + Connections + " -- request-invalid-value: Connection");

    [Fact]
    public Task A_query_parameter_the_method_does_not_declare_is_a_finding() =>
        ExpectFindingAsync(Call("GET", Connections, "?network=projects/1/global/networks/n&consumerNetwork=x", response: """{"connections":[]}"""),
            "servicenetworking.services.connections.list GET " + Connections + "?network=projects/1/global/networks/n&consumerNetwork=x -- unknown-query-parameter: consumerNetwork");

    [Fact]
    public Task An_update_mask_path_that_names_no_field_is_a_finding() =>
        ExpectFindingAsync(Call("PATCH", Connections + "/-", "?force=true&updateMask=reservedPeeringRanges,reservedRanges",
                """{"network":"projects/1/global/networks/n","reservedPeeringRanges":["r"]}""", Operation),
            "invalid-update-mask: reservedRanges (no field 'reservedRanges' in Connection)");

    [Fact]
    public Task A_dotted_update_mask_path_walks_nested_messages() =>
        ExpectFindingAsync(Call("PATCH", "/appengine/v1/apps/p", "?updateMask=iap.enabled,iap.enabledd", """{"iap":{"enabled":true}}"""),
            "appengine.apps.patch PATCH /appengine/v1/apps/p?updateMask=iap.enabled,iap.enabledd -- invalid-update-mask: iap.enabledd (no field 'enabledd' in IdentityAwareProxy)");

    [Fact]
    public Task A_body_on_a_method_that_takes_none_is_a_finding_naming_its_query_parameters() =>
        ExpectFindingAsync(Call("POST", "/iam/v1/projects/p/serviceAccounts/a@p.iam.gserviceaccount.com:getIamPolicy",
                body: """{"options":{"requestedPolicyVersion":3}}"""),
            "iam.projects.serviceAccounts.getIamPolicy POST /iam/v1/projects/p/serviceAccounts/a@p.iam.gserviceaccount.com:getIamPolicy -- unexpected-request-body: (body) (iam.projects.serviceAccounts.getIamPolicy takes no request body; its query parameters are: options.requestedPolicyVersion)");

    [Fact]
    public Task A_method_called_with_another_http_verb_is_a_finding() =>
        ExpectFindingAsync(Call("PUT", "/appengine/v1/apps/p", body: """{"iap":{"enabled":true}}"""),
            "(no method) PUT /appengine/v1/apps/p -- wrong-http-method: PUT (appengine.apps.get takes GET, not PUT)");

    [Fact]
    public Task A_path_no_method_has_is_a_finding() =>
        ExpectFindingAsync(Call("GET", "/compute/compute/v1/projects/p/global/peerings"),
            "(no method) GET /compute/compute/v1/projects/p/global/peerings -- no-method: projects/p/global/peerings");

    [Fact]
    public Task An_answer_with_a_field_the_response_message_lacks_is_a_finding_in_the_emulator() =>
        ExpectFindingAsync(Call("GET", "/storage/storage/v1/b/bucket/iam", response: """{"kind":"storage#policy","bindings":[{"role":"r","members":["m"],"etag":"x"}]}"""),
            "storage.buckets.getIamPolicy GET /storage/storage/v1/b/bucket/iam -- response-unknown-field: bindings[0].etag");

    [Fact]
    public async Task A_finding_about_a_secret_field_never_shows_its_value()
    {
        var outcome = await CheckAsync(
            Call("PUT", "/sql/sql/v1beta4/projects/p/instances/i/users", "?name=mlflow&host=%25", """{"name":"mlflow","password":73105551}"""),
            Call("POST", "/secretmanager/v1/projects/p/secrets/s:addVersion", "?access_token=ya29.secret-token",
                """{"payload":{"data":"c2VjcmV0LXZhbHVl","dataCrc":1}}"""));

        if (outcome is null)
        {
            return;
        }
        Assert.Equal(2, outcome.Findings.Count);
        Assert.Contains(outcome.Findings, f => f.Contains("sql.users.update PUT") && f.Contains("request-invalid-value: User") && f.Contains("<redacted>"));
        Assert.Contains(outcome.Findings, f => f.Contains("s:addVersion?access_token=<redacted> -- request-unknown-field: payload.dataCrc"));
        Assert.DoesNotContain(outcome.Findings, f => f.Contains("73105551") || f.Contains("c2VjcmV0LXZhbHVl") || f.Contains("ya29"));
    }
}
