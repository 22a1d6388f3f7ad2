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
}
