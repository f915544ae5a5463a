using System;
using System.Security.Cryptography.X509Certificates;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>
/// What the registry token service signs with and for whom: the certificate (with its private key) whose
/// public half the registry trusts, the registry's <c>service</c> name and the <c>issuer</c> it expects.
/// Unconfigured, the token service refuses every request.
/// </summary>
public sealed class RegistryTokenSettings
{
    private readonly object gate = new();
    private (X509Certificate2 Certificate, string Service, string Issuer)? current;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    public void Configure(X509Certificate2 signingCertificate, string service, string issuer)
    {
        if (!signingCertificate.HasPrivateKey)
        {
            throw new ArgumentException("The registry token signing certificate needs its private key.", nameof(signingCertificate));
        }
        lock (gate)
        {
            current = (signingCertificate, service, issuer);
        }
    }

    public (X509Certificate2 Certificate, string Service, string Issuer)? Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }
}
