using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// A self-signed server certificate generated for one test (ECDSA P-256, valid for <c>127.0.0.1</c>, <c>::1</c> and
/// <c>localhost</c>), written to a temporary folder as a PEM certificate, a PEM key, an encrypted PEM key and a
/// password-protected PFX, and a client handler that trusts exactly this certificate (with the host name checked).
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    public const string Password = "pfx-Passw0rd-that-must-never-show";

    private TestCertificate(X509Certificate2 certificate, string folder)
    {
        Certificate = certificate;
        Folder = folder;
    }

    public X509Certificate2 Certificate { get; }

    public string Folder { get; }

    public string CertPem => Path.Combine(Folder, "server.crt");

    public string KeyPem => Path.Combine(Folder, "server.key");

    public string EncryptedKeyPem => Path.Combine(Folder, "server.encrypted.key");

    public string Pfx => Path.Combine(Folder, "server.pfx");

    public static TestCertificate Create(string subject = "CN=featurestore-test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var folder = Directory.CreateTempSubdirectory("featurestore-tls-").FullName;
        var written = new TestCertificate(certificate, folder);
        File.WriteAllText(written.CertPem, certificate.ExportCertificatePem());
        File.WriteAllText(written.KeyPem, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(written.EncryptedKeyPem, key.ExportEncryptedPkcs8PrivateKeyPem(Password,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        File.WriteAllBytes(written.Pfx, certificate.Export(X509ContentType.Pfx, Password));
        return written;
    }

    /// <summary>A handler that trusts this certificate only, as a client given the server's CA would.</summary>
    public SocketsHttpHandler TrustingHandler(CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) => IsTrusted(presented, errors),
            },
            AllowAutoRedirect = false,
        };
        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
            handler.UseCookies = true;
        }
        return handler;
    }

    private bool IsTrusted(X509Certificate? presented, SslPolicyErrors errors)
    {
        // The name must match; the chain is checked against this certificate as the only root.
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presentedCertificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(presentedCertificate);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
