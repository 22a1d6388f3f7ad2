using Microsoft.Extensions.Logging;

namespace VelesDb.Server.Tests;

public class SettingsTests
{
    private static ServerSettings Load(string[] args, Dictionary<string, string>? env = null, Dictionary<string, string>? files = null) =>
        ServerSettings.Load(args, name => env?.GetValueOrDefault(name), path => files?.GetValueOrDefault(path));

    [Fact]
    public void Load_Nothing_GivesDefaults()
    {
        var s = Load([]);

        Assert.Equal("./velesdb_data", s.DataDir);
        Assert.Equal("127.0.0.1", s.Host);
        Assert.Equal(8080, s.Port);
        Assert.Equal(100, s.RateLimit);
        Assert.Empty(s.ApiKeys);
        Assert.Equal(TimeSpan.FromSeconds(30), s.ShutdownTimeout);
        Assert.Equal(LogLevel.Information, s.LogLevel);
        Assert.Null(s.ConfigFile);
        Assert.True(s.IsLoopback);
    }

    [Fact]
    public void Load_FlagBeatsEnvBeatsFileBeatsDefault()
    {
        var file = new Dictionary<string, string>
        {
            ["velesdb.toml"] = """
                [server]
                data_dir = "/file/data"
                host = "10.0.0.1"
                port = 7000
                rate_limit = 7
                shutdown_timeout_secs = 5
                [auth]
                api_keys = ["file-key"]
                """,
        };
        var env = new Dictionary<string, string> { ["VELESDB_HOST"] = "10.0.0.2", ["VELESDB_PORT"] = "7001" };

        var s = Load(["--port", "7002"], env, file);

        Assert.Equal(7002, s.Port);                  // flag over env and file
        Assert.Equal("10.0.0.2", s.Host);            // env over file
        Assert.Equal("/file/data", s.DataDir);       // file over default
        Assert.Equal(7, s.RateLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), s.ShutdownTimeout);
        Assert.Equal(["file-key"], s.ApiKeys);
        Assert.Equal("velesdb.toml", s.ConfigFile);
        Assert.False(s.IsLoopback);
    }

    [Fact]
    public void Load_EqualsFormAndShortFlags_AreRead()
    {
        var s = Load(["--data-dir=/a", "-p", "9000", "--rate-limit=0", "--environment=Development"]);

        Assert.Equal("/a", s.DataDir);
        Assert.Equal(9000, s.Port);
        Assert.Equal(0, s.RateLimit);
    }

    [Fact]
    public void Load_EnvKeys_ReplaceFileKeysAndAreTrimmed()
    {
        var file = new Dictionary<string, string> { ["velesdb.toml"] = "[auth]\napi_keys = [\"file-key\"]\n" };
        var env = new Dictionary<string, string> { ["VELESDB_API_KEYS"] = " a , ,b ", ["VELESDB_API_KEY"] = "single", ["VELESDB_LOG"] = "warn" };

        var s = Load([], env, file);

        Assert.Equal(["single", "a", "b"], s.ApiKeys);
        Assert.Equal(LogLevel.Warning, s.LogLevel);
    }

    [Fact]
    public void Load_ExplicitConfigFile_IsReadAndMissingOneFails()
    {
        var files = new Dictionary<string, string> { ["/etc/v.toml"] = "[server]\nport = 6000\n" };

        Assert.Equal(6000, Load(["--config", "/etc/v.toml"], null, files).Port);
        var e = Assert.Throws<SettingsException>(() => Load(["-c", "/missing.toml"]));
        Assert.Contains("/missing.toml", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--port", "70000")]
    [InlineData("--port", "http")]
    [InlineData("--rate-limit", "-1")]
    public void Load_BadNumber_FailsWithRange(string flag, string value)
    {
        var e = Assert.Throws<SettingsException>(() => Load([flag, value]));
        Assert.Contains("between", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadTomlOrTypes_Fail()
    {
        Assert.Throws<SettingsException>(() => Load([], null, new() { ["velesdb.toml"] = "[server\nport = 1" }));
        Assert.Throws<SettingsException>(() => Load([], null, new() { ["velesdb.toml"] = "[server]\nport = \"80\"\n" }));
        Assert.Throws<SettingsException>(() => Load([], new() { ["VELESDB_LOG"] = "loud" }));
        Assert.Throws<SettingsException>(() => Load(["--host"]));
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.5", true)]
    [InlineData("[::1]", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("192.168.1.2", false)]
    public void IsLoopback_RecognisesLoopbackHosts(string host, bool loopback) =>
        Assert.Equal(loopback, new ServerSettings { Host = host }.IsLoopback);

    [Fact]
    public void TrustedProxies_ParseFromEnvironment_AndRejectNonAddresses()
    {
        var s = Load([], new() { ["VELESDB_TRUSTED_PROXIES"] = "10.0.0.5, ::1" });
        Assert.Equal(["10.0.0.5", "::1"], s.TrustedProxies.Select(p => p.ToString()));
        var e = Assert.Throws<SettingsException>(() => Load([], new() { ["VELESDB_TRUSTED_PROXIES"] = "proxy.local" }));
        Assert.Contains("not an IP address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cors_DefaultsArePermissive()
    {
        var cors = Load([]).Cors;
        Assert.Equal(["*"], cors.AllowedOrigins);
        Assert.True(cors.IsPermissive);
        Assert.Equal(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"], cors.AllowedMethods);
        Assert.Equal(["*"], cors.AllowedHeaders);
        Assert.False(cors.AllowCredentials);
        Assert.Equal(3600, cors.MaxAgeSecs);
    }

    [Fact]
    public void Cors_IsReadFromTheFile()
    {
        var cors = Load([], files: new()
        {
            ["velesdb.toml"] = """
                [cors]
                allowed_origins = ["https://app.example.com", "http://localhost:3000"]
                allowed_methods = ["get", "POST"]
                allowed_headers = ["Content-Type", "Authorization"]
                allow_credentials = true
                max_age_secs = 600
                """,
        }).Cors;
        Assert.Equal(["https://app.example.com", "http://localhost:3000"], cors.AllowedOrigins);
        Assert.False(cors.IsPermissive);
        Assert.Equal(["GET", "POST"], cors.AllowedMethods);
        Assert.Equal(["Content-Type", "Authorization"], cors.AllowedHeaders);
        Assert.True(cors.AllowCredentials);
        Assert.Equal(600, cors.MaxAgeSecs);
    }

    [Theory]
    [InlineData("allowed_origins = [\"app.example.com\"]", "is not an origin")]
    [InlineData("allowed_origins = [\"https://app.example.com/path\"]", "is not an origin")]
    [InlineData("allowed_origins = [\"ftp://files.example.com\"]", "is not an origin")]
    [InlineData("allowed_origins = \"*\"", "must be an array of strings")]
    [InlineData("allowed_methods = [\"GET POST\"]", "is not an HTTP method")]
    [InlineData("allow_credentials = \"yes\"", "must be true or false")]
    [InlineData("allow_credentials = true", "needs explicit allowed_origins")]
    [InlineData("max_age_secs = -1", "out of range")]
    public void Cors_InvalidValues_Fail(string line, string message)
    {
        var e = Assert.Throws<SettingsException>(() => Load([], files: new() { ["velesdb.toml"] = "[cors]\n" + line + "\n" }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_FlagBeatsEnvBeatsFile_AndNeedsBothExistingFiles()
    {
        var files = new Dictionary<string, string>
        {
            ["velesdb.toml"] = "[tls]\ncert = \"file.crt\"\nkey = \"file.key\"\n",
            ["file.crt"] = "c",
            ["file.key"] = "k",
            ["env.crt"] = "c",
            ["env.key"] = "k",
            ["flag.crt"] = "c",
            ["flag.key"] = "k",
        };
        var none = Load([]);
        Assert.False(none.TlsEnabled);
        Assert.Null(none.TlsKey);

        var fromFile = Load([], files: files);
        Assert.True(fromFile.TlsEnabled);
        Assert.Equal(("file.crt", "file.key"), (fromFile.TlsCert, fromFile.TlsKey));
        var env = new Dictionary<string, string> { ["VELESDB_TLS_CERT"] = "env.crt", ["VELESDB_TLS_KEY"] = "env.key" };
        var fromEnv = Load([], env, files);
        Assert.Equal(("env.crt", "env.key"), (fromEnv.TlsCert, fromEnv.TlsKey));
        var fromFlags = Load(["--tls-cert", "flag.crt", "--tls-key=flag.key"], env, files);
        Assert.Equal(("flag.crt", "flag.key"), (fromFlags.TlsCert, fromFlags.TlsKey));

        var noKey = Assert.Throws<SettingsException>(() => Load(["--tls-cert", "flag.crt"], files: new() { ["flag.crt"] = "c" }));
        Assert.StartsWith("A TLS certificate is set but the key is missing; pass --tls-key", noKey.Message, StringComparison.Ordinal);
        var noCert = Assert.Throws<SettingsException>(() => Load([], new() { ["VELESDB_TLS_KEY"] = "env.key" }, files: new() { ["env.key"] = "k" }));
        Assert.StartsWith("A TLS key is set but the certificate is missing; pass --tls-cert", noCert.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<SettingsException>(() => Load(["--tls-cert", "gone.crt", "--tls-key", "flag.key"], files: files));
        Assert.Equal("The TLS certificate file 'gone.crt' does not exist; give the path of a PEM certificate (chain).", missing.Message);
        var missingKey = Assert.Throws<SettingsException>(() => Load(["--tls-cert", "flag.crt", "--tls-key", "gone.key"], files: files));
        Assert.Equal("The TLS key file 'gone.key' does not exist; give the path of the PEM private key of the certificate.", missingKey.Message);
    }
}
