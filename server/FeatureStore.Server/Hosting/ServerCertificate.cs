using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Server.Hosting;

/// <summary>
/// The certificate every listener serves TLS with, from <c>--tls-cert</c>: a PEM file with its key in
/// <c>--tls-key</c> (or in the same file), or a PFX/PKCS#12 file. The password of a PFX or of an encrypted PEM key
/// comes from <c>FEATURESTORE_TLS_PASSWORD</c>. Certificates after the first in a PEM file, and those beside the
/// keyed one in a PFX, are sent as the chain. Read once at startup: a missing, unreadable or unusable file is a
/// <see cref="UserInputException"/> naming the file, and no message ever repeats the password.
/// </summary>
internal sealed class ServerCertificate
{
    private const string PasswordVariable = ServerSettings.EnvironmentPrefix + "TLS_PASSWORD";

    private ServerCertificate(X509Certificate2 certificate, X509Certificate2Collection chain, string file)
    {
        Certificate = certificate;
        Chain = chain;
        File = file;
    }

    /// <summary>The leaf certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Intermediate certificates sent after the leaf.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The certificate file, as a full path.</summary>
    public string File { get; }

    /// <summary>"CN=feature.example.com, expires 2026-01-31", for the startup log.</summary>
    public string Description => $"{Certificate.Subject}, expires {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}";

    /// <summary>The certificate the options name, or null when TLS is off.</summary>
    public static ServerCertificate? Load(ServerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TlsCertFile))
        {
            if (!string.IsNullOrWhiteSpace(options.TlsKeyFile))
            {
                throw new UserInputException("--tls-key is set but --tls-cert is not; give both to serve TLS.");
            }
            return null;
        }
        var file = Path.GetFullPath(options.TlsCertFile);
        var text = ReadText(file, "--tls-cert", "certificate");
        var password = string.IsNullOrEmpty(options.TlsPassword) ? null : options.TlsPassword;
        return text.Contains("-----BEGIN", StringComparison.Ordinal)
            ? LoadPem(file, text, options.TlsKeyFile, password)
            : LoadPfx(file, options.TlsKeyFile, password);
    }

    private static ServerCertificate LoadPem(string file, string text, string? keyOption, string? password)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            throw new UserInputException($"--tls-cert: the certificate file '{file}' holds a malformed PEM certificate ({ex.Message.TrimEnd('.')}).");
        }
        if (certificates.Count == 0)
        {
            throw new UserInputException($"--tls-cert: the file '{file}' holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' block).");
        }
        string keyFile, keyText;
        if (!string.IsNullOrWhiteSpace(keyOption))
        {
            keyFile = Path.GetFullPath(keyOption);
            keyText = ReadText(keyFile, "--tls-key", "private key");
        }
        else if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            (keyFile, keyText) = (file, text);
        }
        else
        {
            throw new UserInputException($"--tls-key: the PEM certificate '{file}' needs its private key; give the key file with --tls-key.");
        }
        if (keyText.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new UserInputException(
                $"--tls-key: the private key in '{keyFile}' uses OpenSSL's legacy encryption, which .NET cannot read; convert it with " +
                "'openssl pkcs8 -topk8 -in old.key -out new.key' (encrypted PKCS#8, password in FEATURESTORE_TLS_PASSWORD) or store it unencrypted with tight file permissions.");
        }
        var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (!encrypted && !keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new UserInputException($"--tls-key: the file '{keyFile}' holds no PEM private key (no '-----BEGIN PRIVATE KEY-----' block).");
        }
        if (encrypted && password is null)
        {
            throw new UserInputException($"--tls-key: the private key in '{keyFile}' is encrypted; set its password in {PasswordVariable}.");
        }
        X509Certificate2 leaf;
        try
        {
            leaf = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(text, keyText, password)
                : X509Certificate2.CreateFromPem(text, keyText);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // ArgumentException: a well-formed key of another certificate.
            throw new UserInputException(encrypted
                ? $"--tls-key: cannot use the encrypted private key in '{keyFile}' for the certificate in '{file}': the password in {PasswordVariable} is wrong, or the key belongs to another certificate."
                : $"--tls-key: the private key in '{keyFile}' does not belong to the certificate in '{file}', or is malformed.");
        }
        return Checked(new ServerCertificate(Portable(leaf), Rest(certificates, certificates[0]), file));
    }

    private static ServerCertificate LoadPfx(string file, string? keyOption, string? password)
    {
        if (!string.IsNullOrWhiteSpace(keyOption))
        {
            throw new UserInputException($"--tls-key: '{file}' is not PEM, so it is read as a PFX, which holds its own key; drop --tls-key, or give a PEM certificate.");
        }
        X509Certificate2Collection certificates;
        try
        {
            certificates = X509CertificateLoader.LoadPkcs12CollectionFromFile(file, password);
        }
        catch (CryptographicException)
        {
            throw new UserInputException(
                $"--tls-cert: cannot open '{file}' as a PFX: it is neither a PEM certificate nor a PFX, or its password " +
                $"({PasswordVariable}) is {(password is null ? "missing" : "wrong")}.");
        }
        var leaf = certificates.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new UserInputException($"--tls-cert: the PFX '{file}' holds no private key; export the certificate together with its key.");
        return Checked(new ServerCertificate(leaf, Rest(certificates, leaf), file));
    }

    private static ServerCertificate Checked(ServerCertificate certificate)
    {
        if (!certificate.Certificate.HasPrivateKey)
        {
            throw new UserInputException($"--tls-cert: the certificate in '{certificate.File}' comes without a usable private key.");
        }
        return certificate;
    }

    private static X509Certificate2Collection Rest(X509Certificate2Collection all, X509Certificate2 leaf) =>
        [.. all.Where(c => !ReferenceEquals(c, leaf) && c.Thumbprint != leaf.Thumbprint)];

    /// <summary>Windows' TLS stack cannot use a key that exists only in memory, as one read from PEM does; a PKCS#12 round trip persists it.</summary>
    private static X509Certificate2 Portable(X509Certificate2 certificate) =>
        OperatingSystem.IsWindows()
            ? X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)
            : certificate;

    private static string ReadText(string file, string flag, string what)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new UserInputException($"{flag}: the {what} file '{file}' does not exist.");
        }
        try
        {
            // Latin-1 maps every byte to one character, so a binary PFX reads without decoding errors.
            return System.IO.File.ReadAllText(file, System.Text.Encoding.Latin1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{flag}: cannot read the {what} file '{file}': {ex.Message}");
        }
    }
}
