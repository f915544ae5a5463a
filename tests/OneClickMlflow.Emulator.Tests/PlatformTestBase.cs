using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests;

/// <summary>
/// Tests of the platform APIs (Compute, Service Networking, Storage, IAM): the deployer's token, the APIs enabled
/// as the deployment enables them, and JSON calls that return the status and the body.
/// </summary>
public abstract class PlatformTestBase : EmulatorTestBase
{
    private string? token;

    protected long ProjectNumber => Host.State.GetProject(Project).ProjectNumber;

    protected void EnableServices(params string[] services)
    {
        lock (Host.State.Gate)
        {
            foreach (var service in services)
            {
                Host.State.GetProject(Project).EnabledServices.Add(service);
            }
        }
    }

    protected async Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(HttpMethod method, string path, string? json = null)
    {
        token ??= await DeployerTokenAsync();
        var response = await SendAsync(method, path, token, json);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    protected static string LegacyReason(JsonObject body) => body["error"]!["errors"]![0]!["reason"]!.GetValue<string>();
}
