using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests.Images;

/// <summary>
/// Debian's docker-registry (distribution 2.8) on a loopback port in token-auth mode, like Artifact Registry: it
/// sends clients to <paramref name="realm"/> for a bearer token and trusts only the certificate generated here.
/// </summary>
internal sealed class TokenAuthRegistry : IAsyncDisposable
{
    public const string Executable = "/usr/bin/docker-registry";
    public const string Service = "oneclickmlflow-test-registry";
    public const string Issuer = "oneclickmlflow-emulator";

    private readonly ChildProcess process;

    private TokenAuthRegistry(ChildProcess process, string host, X509Certificate2 signingCertificate)
    {
        this.process = process;
        Host = host;
        SigningCertificate = signingCertificate;
    }

    /// <summary>host:port, as it appears in image names.</summary>
    public string Host { get; }

    /// <summary>The certificate (with private key) the token service must sign with.</summary>
    public X509Certificate2 SigningCertificate { get; }

    public static string? CannotStartReason() =>
        File.Exists(Executable) ? null : $"{Executable} is not installed (apt-get install docker-registry)";

    public static async Task<TokenAuthRegistry> StartAsync(string directory, Uri realm)
    {
        var certificate = CreateSigningCertificate();
        var bundle = Path.Combine(directory, "token-signing.pem");
        await File.WriteAllTextAsync(bundle, certificate.ExportCertificatePem());
        var port = ChildProcess.FreeLoopbackPort();
        var config = Path.Combine(directory, "registry.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
            http:
              addr: 127.0.0.1:{port}
            auth:
              token:
                realm: {realm}
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}
            """);
        var process = ChildProcess.Start(Executable, Path.Combine(directory, "registry.log"), "serve", config);
        var registry = new TokenAuthRegistry(process, $"127.0.0.1:{port}", certificate);
        try
        {
            await registry.WaitForChallengeAsync(TimeSpan.FromSeconds(30));
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    public string LogTail() => process.LogTail();

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static X509Certificate2 CreateSigningCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + Issuer, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    // The registry is ready when /v2/ answers with its Bearer challenge.
    private async Task WaitForChallengeAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await process.WaitUntilReadyAsync("docker-registry", limit, async () =>
        {
            using var response = await http.GetAsync($"http://{Host}/v2/");
            return response.StatusCode == HttpStatusCode.Unauthorized;
        });
    }
}
