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
    private Uri? registry;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Sets the signing certificate, service and issuer; <paramref name="registryUrl"/> (the registry's own
    /// <c>http://host:port</c>, optional) lets Artifact Registry's dockerImages list read what the registry holds.
    /// </summary>
    public void Configure(X509Certificate2 signingCertificate, string service, string issuer, Uri? registryUrl = null)
    {
        if (!signingCertificate.HasPrivateKey)
        {
            throw new ArgumentException("The registry token signing certificate needs its private key.", nameof(signingCertificate));
        }
        lock (gate)
        {
            current = (signingCertificate, service, issuer);
            registry = registryUrl;
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

    /// <summary>The registry the tokens are for, when it was given.</summary>
    public Uri? Registry
    {
        get
        {
            lock (gate)
            {
                return registry;
            }
        }
    }
}
