using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FeatureStore.Core.Errors;

namespace FeatureStore.Redis;

/// <summary>
/// Validates a Redis server's TLS certificate against the CA certificates of one file (<c>online_store.tls_ca_file</c>,
/// <c>FEATURESTORE_REDIS_TLS_CA</c>) instead of the system's authorities, as <c>redis-cli --cacert</c> does: the
/// certificate must chain to one of them and name the host connected to. Managed and self-hosted Redis often use a
/// private CA that no machine trusts by default. Remembers why it last refused a certificate, so the connection error
/// can say so (the TLS stack only reports that the callback refused).
/// </summary>
internal sealed class RedisCertificateAuthority
{
    public const string Settings = "online_store.tls_ca_file or FEATURESTORE_REDIS_TLS_CA";

    private readonly X509Certificate2Collection _roots;
    private volatile string? _lastRefusal;

    private RedisCertificateAuthority(string file, X509Certificate2Collection roots)
    {
        File = file;
        _roots = roots;
    }

    /// <summary>The CA file, as given.</summary>
    public string File { get; }

    /// <summary>Why the last certificate was refused (e.g. "is not signed by that CA"), or null.</summary>
    public string? LastRefusal => _lastRefusal;

    /// <summary>Reads the file's certificates (PEM, one or several, or a DER certificate); a problem names the file.</summary>
    public static RedisCertificateAuthority Load(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new UserInputException($"The Redis TLS CA certificate file '{file}' ({Settings}) does not exist.");
        }
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
            if (roots.Count == 0)
            {
                roots.Add(X509CertificateLoader.LoadCertificateFromFile(file));
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new UserInputException(
                $"The Redis TLS CA certificate file '{file}' ({Settings}) could not be read as a PEM or DER certificate: {ex.Message}", ex);
        }
        return new RedisCertificateAuthority(file, roots);
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/>: true when the server's certificate is acceptable.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return Refuse("was not sent");
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Refuse("does not name the host connected to (set sslHost= in the connection string when the host is reached by another name)");
        }
        var own = certificate as X509Certificate2;
        var server = own ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            using var trust = new X509Chain();
            trust.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            trust.ChainPolicy.CustomTrustStore.AddRange(_roots);
            // A private CA rarely publishes revocation lists; redis-cli --cacert does not check them either.
            trust.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                // Intermediates the server sent along.
                foreach (var element in chain.ChainElements)
                {
                    trust.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            if (trust.Build(server))
            {
                _lastRefusal = null;
                return true;
            }
            var problems = string.Join(", ", trust.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return Refuse($"is not signed by the CA in '{File}' ({problems})");
        }
        finally
        {
            if (own is null)
            {
                server.Dispose();
            }
        }
    }

    private bool Refuse(string reason)
    {
        _lastRefusal = reason;
        return false;
    }
}
