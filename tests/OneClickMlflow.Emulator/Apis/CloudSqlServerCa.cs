using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Makes an instance's server CA certificate as Cloud SQL names it: self-signed, ten years, real PEM.</summary>
public static class CloudSqlServerCa
{
    public static SqlServerCa Create(DateTimeOffset now)
    {
        var qualifier = Guid.NewGuid();
        var commonName = $"C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA,dnQualifier={qualifier}";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName(
            $"C=US, O=\"Google, Inc\", CN=Google Cloud SQL Server CA, dnQualifier={qualifier}");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var notBefore = now.AddMinutes(-1);
        var expires = now.AddYears(10);
        using var certificate = request.CreateSelfSigned(notBefore, expires);
        return new SqlServerCa(
            certificate.ExportCertificatePem(),
            commonName,
            Convert.ToHexString(SHA1.HashData(certificate.RawData)).ToLowerInvariant(),
            "0",
            now,
            expires);
    }
}
