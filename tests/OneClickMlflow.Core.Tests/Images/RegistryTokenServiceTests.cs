using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using OneClickMlflow.Emulator;
using OneClickMlflow.Emulator.Apis;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Registry;
using OneClickMlflow.Images;
using Xunit;

namespace OneClickMlflow.Tests.Images;

/// <summary>The emulator's registry token service on its own, and the engine version rule.</summary>
public sealed class RegistryTokenServiceTests : IAsyncLifetime
{
    private const string Service = "test-registry";
    private EmulatorHost host = null!;
    private X509Certificate2 certificate = null!;

    public async Task InitializeAsync()
    {
        host = await EmulatorHost.StartAsync(new EmulatorOptions { Projects = { "proj-one" } });
        using var key = RSA.Create(2048);
        certificate = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        host.State.ApiState<RegistryTokenSettings>().Configure(certificate, Service, "test-issuer");
        lock (host.State.Gate)
        {
            host.State.ApiState<ArtifactRegistryState>().AddDockerRepository("proj-one", "europe-west1", "mlflow", DateTimeOffset.UtcNow);
        }
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        certificate.Dispose();
    }

    [Fact]
    public async Task A_valid_access_token_gets_a_registry_token_granting_the_asked_scope_signed_by_the_certificate()
    {
        var accessToken = host.State.Tokens.Issue(Principal.ServiceAccount("deployer@proj-one.iam.gserviceaccount.com")).Token;

        using var response = await RequestAsync("oauth2accesstoken", accessToken, Service);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var parts = token.Split('.');
        var header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
        var payload = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        Assert.Equal(Convert.ToBase64String(certificate.RawData), header.GetProperty("x5c")[0].GetString());
        Assert.Equal(Service, payload.GetProperty("aud").GetString());
        Assert.Equal("test-issuer", payload.GetProperty("iss").GetString());
        var access = payload.GetProperty("access")[0];
        Assert.Equal("proj-one/mlflow/server", access.GetProperty("name").GetString());
        Assert.Equal(new[] { "pull", "push" }, new[] { access.GetProperty("actions")[0].GetString(), access.GetProperty("actions")[1].GetString() });
        using var rsa = certificate.GetRSAPublicKey()!;
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task A_script_can_set_the_signing_certificate_through_the_admin_surface()
    {
        using var key = RSA.Create(2048);
        using var other = new CertificateRequest("CN=script", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        using var http = new HttpClient();
        var settings = new JsonObject
        {
            ["certificatePem"] = other.ExportCertificatePem(),
            ["privateKeyPem"] = key.ExportPkcs8PrivateKeyPem(),
            ["service"] = "script-registry",
            ["issuer"] = "script-issuer",
        };
        using var configured = await http.PostAsync(new Uri(host.BaseUri, "_emulator/registry-token"),
            new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));
        configured.EnsureSuccessStatusCode();
        var accessToken = host.State.Tokens.Issue(Principal.ServiceAccount("deployer@proj-one.iam.gserviceaccount.com")).Token;

        using var response = await RequestAsync("oauth2accesstoken", accessToken, "script-registry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var parts = token.Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("oauth2accesstoken", "ya29.unknown", Service)]
    [InlineData("someone", "VALID", Service)]
    [InlineData("oauth2accesstoken", "VALID", "another-registry")]
    public async Task Anything_but_a_known_token_for_oauth2accesstoken_and_this_service_is_refused(string user, string password, string service)
    {
        if (password == "VALID")
        {
            password = host.State.Tokens.Issue(Principal.ServiceAccount("deployer@proj-one.iam.gserviceaccount.com")).Token;
        }

        using var response = await RequestAsync(user, password, service);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("proj-one/missing/server", "deployer@proj-one.iam.gserviceaccount.com")]
    [InlineData("proj-one/mlflow/server", "stranger@elsewhere.iam.gserviceaccount.com")]
    public async Task Push_to_a_missing_repository_or_without_permission_is_denied(string name, string account)
    {
        var accessToken = host.State.Tokens.Issue(Principal.ServiceAccount(account)).Token;

        using var response = await RequestAsync("oauth2accesstoken", accessToken, Service, $"repository:{name}:pull,push");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("DENIED", error.GetProperty("code").GetString());
        Assert.Contains("artifactregistry.repositories.uploadArtifacts", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("1.41", "1.41")]
    [InlineData("1.44", "1.44")]
    [InlineData("1.54", "1.52")]
    public void Engine_API_version_is_the_lower_of_the_engines_and_the_clients(string engine, string expected)
    {
        Assert.Equal(Version.Parse(expected), DockerEngineConnector.Negotiate(Version.Parse(engine)));
    }

    private async Task<HttpResponseMessage> RequestAsync(string user, string password, string service,
        string scope = "repository:proj-one/mlflow/server:pull,push")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(host.BaseUri, $"v2/token?service={service}&scope={scope}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return await http.SendAsync(request);
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
