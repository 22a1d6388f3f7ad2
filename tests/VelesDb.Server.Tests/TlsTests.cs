using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace VelesDb.Server.Tests;

/// <summary>HTTPS with a PEM certificate and key (REST spec §3.6), on a real Kestrel listener.</summary>
public sealed class TlsTests
{
    /// <summary>Writes a fresh self-signed certificate for 127.0.0.1/localhost as PEM files.</summary>
    private static (string CertPath, string KeyPath, string Thumbprint) WriteCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "server.crt");
        var keyPath = Path.Combine(directory, "server.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, certificate.GetCertHashString(HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task Health_AnswersOverHttps_WithHttp1AndHttp2()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        var (certPath, keyPath, thumbprint) = WriteCertificate(dir.Path);
        await using var app = ServerApp.Build(["--data-dir", data, "--tls-cert", certPath, "--tls-key", keyPath, "--host", "127.0.0.1", "--rate-limit", "0"]);

        // Port 0: the OS picks a free port; the listener reports it once started.
        app.Urls.Clear();
        app.Urls.Add("https://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var address = Assert.Single(app.Urls);
            Assert.StartsWith("https://127.0.0.1:", address, StringComparison.Ordinal);
            var presented = new List<string>();
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // Trust exactly the certificate the test made.
                var hash = certificate is null ? null : new X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256);
                presented.Add(hash ?? "none");
                return hash == thumbprint;
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(address) };

            foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/health", UriKind.Relative)) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(version, response.Version);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal("ok", body["status"]!.GetValue<string>());
            }

            Assert.Contains(thumbprint, presented);

            // Plain HTTP is not served on the TLS port.
            using var plain = new HttpClient { BaseAddress = new Uri(address.Replace("https://", "http://", StringComparison.Ordinal)) };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri("/v1/health", UriKind.Relative)));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void Build_WithAKeyThatIsNotPem_FailsWithAHint()
    {
        using var dir = new TempDirectory();
        var (certPath, _, _) = WriteCertificate(dir.Path);
        var badKey = Path.Combine(dir.Path, "bad.key");
        File.WriteAllText(badKey, "not a key");
        var e = Assert.Throws<SettingsException>(() => ServerApp.Build(["--data-dir", Path.Combine(dir.Path, "data"), "--tls-cert", certPath, "--tls-key", badKey]));
        Assert.StartsWith($"Cannot load the TLS certificate '{certPath}' with the key '{badKey}':", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Give a PEM certificate (chain) and its matching PEM private key.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithACertificateButNoKey_Fails()
    {
        using var dir = new TempDirectory();
        var (certPath, _, _) = WriteCertificate(dir.Path);
        var e = Assert.Throws<SettingsException>(() => ServerApp.Build(["--data-dir", Path.Combine(dir.Path, "data"), "--tls-cert", certPath]));
        Assert.StartsWith("A TLS certificate is set but the key is missing", e.Message, StringComparison.Ordinal);
    }
}
