using System.Globalization;
using Microsoft.Extensions.Logging;
using Tomlyn;
using Tomlyn.Model;

namespace VelesDb.Server;

/// <summary>
/// The server settings, merged from command-line flags, <c>VELESDB_*</c> environment variables and
/// a <c>velesdb.toml</c> file, in that order of precedence, over the defaults.
/// </summary>
public sealed record ServerSettings
{
    /// <summary>The default data directory.</summary>
    public const string DefaultDataDir = "./velesdb_data";

    /// <summary>The default configuration file, read when it exists.</summary>
    public const string DefaultConfigFile = "velesdb.toml";

    /// <summary>The database directory.</summary>
    public string DataDir { get; init; } = DefaultDataDir;

    /// <summary>The address to listen on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port to listen on (1–65535).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Requests per second per client (bucket size and refill rate); 0 disables rate limiting.</summary>
    public int RateLimit { get; init; } = 100;

    /// <summary>
    /// Heavy requests (searches, queries, traversals, bulk writes) running at once; more wait in a
    /// bounded queue (<c>VELESDB_MAX_CONCURRENT_HEAVY</c> or <c>[server] max_concurrent_heavy</c>;
    /// default: the processor count).
    /// </summary>
    public int MaxConcurrentHeavy { get; init; } = Environment.ProcessorCount;

    /// <summary>The accepted API keys; empty disables authentication.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>
    /// Proxy addresses whose <c>X-Forwarded-For</c> header is trusted for rate limiting
    /// (<c>VELESDB_TRUSTED_PROXIES</c>, comma-separated, or <c>[server] trusted_proxies</c>); empty:
    /// clients are keyed by their connection address only.
    /// </summary>
    public IReadOnlyList<System.Net.IPAddress> TrustedProxies { get; init; } = [];

    /// <summary>The minimum log level.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>How long shutdown waits for in-flight requests before flushing and exiting.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The CORS policy (<c>[cors]</c> section); the default allows any origin.</summary>
    public CorsSettings Cors { get; init; } = new();

    /// <summary>The PEM certificate (chain) served over HTTPS, or null for plain HTTP; set together with <see cref="TlsKey"/>.</summary>
    public string? TlsCert { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCert"/>, or null for plain HTTP.</summary>
    public string? TlsKey { get; init; }

    /// <summary>Whether the server listens with HTTPS.</summary>
    public bool TlsEnabled => TlsCert is not null;

    /// <summary>The configuration file that was read, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Whether authentication is on (at least one key).</summary>
    public bool AuthEnabled => ApiKeys.Count > 0;

    /// <summary>Whether <see cref="Host"/> is a loopback address (<c>localhost</c>, <c>127.*</c>, <c>::1</c>, <c>::ffff:127.*</c>).</summary>
    public bool IsLoopback
    {
        get
        {
            var host = Host.Trim().TrimStart('[').TrimEnd(']');
            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || host.StartsWith("127.", StringComparison.Ordinal)
                || host == "::1"
                || host.StartsWith("::ffff:127.", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Merges the settings: flag &gt; environment &gt; file &gt; default. Flags are <c>--data-dir</c>
    /// (<c>-d</c>), <c>--host</c>, <c>--port</c> (<c>-p</c>), <c>--rate-limit</c>, <c>--config</c>
    /// (<c>-c</c>), <c>--tls-cert</c>, <c>--tls-key</c>, as <c>--flag value</c> or <c>--flag=value</c>;
    /// other arguments are left to the host. The <c>[cors]</c> section is read from the file only.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="readFile">Reads a file's text, or returns null when the file does not exist.</param>
    /// <returns>The merged settings.</returns>
    /// <exception cref="SettingsException">A value is invalid or an explicit config file is missing.</exception>
    public static ServerSettings Load(IReadOnlyList<string> args, Func<string, string?> environment, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(readFile);

        var flags = ParseFlags(args);
        var explicitConfig = Pick(flags.GetValueOrDefault("config"), Env(environment, "VELESDB_CONFIG"));
        var configPath = explicitConfig ?? DefaultConfigFile;
        var text = readFile(configPath);
        if (text is null && explicitConfig is not null)
        {
            throw new SettingsException($"Config file '{explicitConfig}' not found; pass an existing file to --config or remove the flag.");
        }

        var file = text is null ? new TomlTable() : ParseToml(text, configPath);
        var server = Table(file, "server", configPath);
        var auth = Table(file, "auth", configPath);
        var tls = Table(file, "tls", configPath);
        var tlsCert = Pick(flags.GetValueOrDefault("tls-cert"), Env(environment, "VELESDB_TLS_CERT"), TomlString(tls, "cert", configPath));
        var tlsKey = Pick(flags.GetValueOrDefault("tls-key"), Env(environment, "VELESDB_TLS_KEY"), TomlString(tls, "key", configPath));
        CheckTls(tlsCert, tlsKey, readFile);

        var settings = new ServerSettings
        {
            DataDir = Pick(flags.GetValueOrDefault("data-dir"), Env(environment, "VELESDB_DATA_DIR"), TomlString(server, "data_dir", configPath)) ?? DefaultDataDir,
            Host = Pick(flags.GetValueOrDefault("host"), Env(environment, "VELESDB_HOST"), TomlString(server, "host", configPath)) ?? "127.0.0.1",
            Port = Number(
                "port",
                Pick(flags.GetValueOrDefault("port"), Env(environment, "VELESDB_PORT")),
                TomlInteger(server, "port", configPath),
                8080,
                1,
                65_535),
            RateLimit = Number(
                "rate limit",
                Pick(flags.GetValueOrDefault("rate-limit"), Env(environment, "VELESDB_RATE_LIMIT")),
                TomlInteger(server, "rate_limit", configPath),
                100,
                0,
                int.MaxValue),
            MaxConcurrentHeavy = Number(
                "max concurrent heavy",
                Env(environment, "VELESDB_MAX_CONCURRENT_HEAVY"),
                TomlInteger(server, "max_concurrent_heavy", configPath),
                Environment.ProcessorCount,
                1,
                100_000),
            ApiKeys = Keys(environment, auth, configPath),
            TrustedProxies = Proxies(Env(environment, "VELESDB_TRUSTED_PROXIES") ?? TomlString(server, "trusted_proxies", configPath)),
            LogLevel = ParseLogLevel(Env(environment, "VELESDB_LOG") ?? TomlString(server, "log_level", configPath)),
            ShutdownTimeout = TimeSpan.FromSeconds(Number(
                "shutdown timeout",
                null,
                TomlInteger(server, "shutdown_timeout_secs", configPath),
                30,
                0,
                86_400)),
            Cors = ParseCors(Table(file, "cors", configPath), configPath),
            TlsCert = tlsCert,
            TlsKey = tlsKey,
            ConfigFile = text is null ? null : configPath,
        };

        if (string.IsNullOrWhiteSpace(settings.DataDir))
        {
            throw new SettingsException("The data directory is empty; pass --data-dir <dir> or set VELESDB_DATA_DIR.");
        }

        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new SettingsException("The host is empty; pass --host <address> (e.g. 127.0.0.1) or set VELESDB_HOST.");
        }

        return settings;
    }

    private static System.Net.IPAddress[] Proxies(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
                System.Net.IPAddress.TryParse(p, out var ip)
                    ? ip
                    : throw new SettingsException($"Trusted proxy '{p}' is not an IP address; list addresses separated by commas, e.g. VELESDB_TRUSTED_PROXIES=10.0.0.5,10.0.0.6."))];

    private static readonly Dictionary<string, string> FlagNames = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "data-dir",
        ["-d"] = "data-dir",
        ["--host"] = "host",
        ["--port"] = "port",
        ["-p"] = "port",
        ["--rate-limit"] = "rate-limit",
        ["--config"] = "config",
        ["-c"] = "config",
        ["--tls-cert"] = "tls-cert",
        ["--tls-key"] = "tls-key",
    };

    private static void CheckTls(string? cert, string? key, Func<string, string?> readFile)
    {
        if (cert is null && key is null)
        {
            return;
        }

        if (key is null)
        {
            throw new SettingsException("A TLS certificate is set but the key is missing; pass --tls-key <key.pem> (or VELESDB_TLS_KEY, [tls] key), or drop the certificate for plain HTTP.");
        }

        if (cert is null)
        {
            throw new SettingsException("A TLS key is set but the certificate is missing; pass --tls-cert <cert.pem> (or VELESDB_TLS_CERT, [tls] cert), or drop the key for plain HTTP.");
        }

        if (readFile(cert) is null)
        {
            throw new SettingsException($"The TLS certificate file '{cert}' does not exist; give the path of a PEM certificate (chain).");
        }

        if (readFile(key) is null)
        {
            throw new SettingsException($"The TLS key file '{key}' does not exist; give the path of the PEM private key of the certificate.");
        }
    }

    private static CorsSettings ParseCors(TomlTable cors, string path)
    {
        var defaults = new CorsSettings();
        var origins = TomlStrings(cors, "allowed_origins", path) ?? defaults.AllowedOrigins;
        foreach (var origin in origins)
        {
            if (origin != "*" && !IsOrigin(origin))
            {
                throw new SettingsException($"[cors] allowed_origins entry '{origin}' in {path} is not an origin; write scheme://host[:port] without a path, e.g. \"https://app.example.com\", or \"*\" for any origin.");
            }
        }

        var methods = TomlStrings(cors, "allowed_methods", path)?.Select(m => m.ToUpperInvariant()).ToList() ?? defaults.AllowedMethods;
        foreach (var method in methods)
        {
            if (method != "*" && (method.Length == 0 || !method.All(char.IsAsciiLetterUpper)))
            {
                throw new SettingsException($"[cors] allowed_methods entry '{method}' in {path} is not an HTTP method; list methods such as \"GET\", \"POST\".");
            }
        }

        var settings = new CorsSettings
        {
            AllowedOrigins = origins,
            AllowedMethods = methods,
            AllowedHeaders = TomlStrings(cors, "allowed_headers", path) ?? defaults.AllowedHeaders,
            AllowCredentials = TomlBool(cors, "allow_credentials", path) ?? false,
            MaxAgeSecs = Number("[cors] max_age_secs", null, TomlInteger(cors, "max_age_secs", path), defaults.MaxAgeSecs, 0, 86_400 * 365),
        };

        if (settings.AllowCredentials && settings.IsPermissive)
        {
            throw new SettingsException($"[cors] allow_credentials = true in {path} needs explicit allowed_origins (browsers refuse credentials for \"*\"); list the origins, e.g. allowed_origins = [\"https://app.example.com\"].");
        }

        return settings;
    }

    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.AbsolutePath == "/" && !text.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;

    private static Dictionary<string, string> ParseFlags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq > 0 ? arg[..eq] : arg;
            if (!FlagNames.TryGetValue(flag, out var name))
            {
                continue;
            }

            if (eq > 0)
            {
                flags[name] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                flags[name] = args[++i];
            }
            else
            {
                throw new SettingsException($"The flag {flag} needs a value, e.g. {flag} <value>.");
            }
        }

        return flags;
    }

    private static string? Env(Func<string, string?> environment, string name)
    {
        var value = environment(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Pick(params string?[] values) => values.FirstOrDefault(v => v is not null);

    private static int Number(string what, string? text, long? fromFile, int fallback, int min, int max)
    {
        long value;
        if (text is not null)
        {
            if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            {
                throw new SettingsException($"The {what} '{text}' is not an integer; give a whole number between {min} and {max}.");
            }
        }
        else
        {
            value = fromFile ?? fallback;
        }

        if (value < min || value > max)
        {
            throw new SettingsException($"The {what} {value} is out of range; give a whole number between {min} and {max}.");
        }

        return (int)value;
    }

    private static List<string> Keys(Func<string, string?> environment, TomlTable auth, string path)
    {
        var fromEnv = Env(environment, "VELESDB_API_KEYS");
        var single = Env(environment, "VELESDB_API_KEY");
        if (fromEnv is not null || single is not null)
        {
            var keys = (fromEnv ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            if (single is not null && single.Trim().Length > 0)
            {
                keys.Insert(0, single.Trim());
            }

            return keys.Distinct(StringComparer.Ordinal).ToList();
        }

        if (!auth.TryGetValue("api_keys", out var value))
        {
            return [];
        }

        if (value is not TomlArray array || array.Any(k => k is not string))
        {
            throw new SettingsException($"[auth] api_keys in {path} must be an array of strings, e.g. api_keys = [\"key-1\"].");
        }

        return array.Cast<string>().Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static LogLevel ParseLogLevel(string? text)
    {
        if (text is null)
        {
            return LogLevel.Information;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" => LogLevel.Critical,
            "off" or "none" => LogLevel.None,
            _ => throw new SettingsException($"The log level '{text}' is unknown; use trace, debug, info, warn, error, critical or off."),
        };
    }

    private static TomlTable ParseToml(string text, string path)
    {
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new SettingsException($"The config file {path} is not valid TOML: {e.Message}", e);
        }
    }

    private static TomlTable Table(TomlTable file, string name, string path) =>
        !file.TryGetValue(name, out var value) ? new TomlTable()
        : value as TomlTable ?? throw new SettingsException($"[{name}] in {path} must be a table.");

    private static string? TomlString(TomlTable table, string key, string path) =>
        !table.TryGetValue(key, out var value) ? null
        : value as string ?? throw new SettingsException($"{key} in {path} must be a string, e.g. {key} = \"value\".");

    private static List<string>? TomlStrings(TomlTable table, string key, string path) =>
        !table.TryGetValue(key, out var value) ? null
        : value is TomlArray array && array.All(v => v is string) ? [.. array.Cast<string>().Select(v => v.Trim())]
        : throw new SettingsException($"{key} in {path} must be an array of strings, e.g. {key} = [\"value\"].");

    private static bool? TomlBool(TomlTable table, string key, string path) =>
        !table.TryGetValue(key, out var value) ? null
        : value as bool? ?? throw new SettingsException($"{key} in {path} must be true or false.");

    private static long? TomlInteger(TomlTable table, string key, string path) =>
        !table.TryGetValue(key, out var value) ? null
        : value is long number ? number
        : throw new SettingsException($"{key} in {path} must be an integer, e.g. {key} = 8080.");
}

/// <summary>The CORS policy, from the <c>[cors]</c> section of the configuration file (REST spec §3.4).</summary>
public sealed record CorsSettings
{
    /// <summary>The origins allowed; any <c>"*"</c> allows every origin (without credentials).</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = ["*"];

    /// <summary>The methods allowed when the origins are listed (a permissive policy allows any).</summary>
    public IReadOnlyList<string> AllowedMethods { get; init; } = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    /// <summary>The request headers allowed; <c>"*"</c> allows any.</summary>
    public IReadOnlyList<string> AllowedHeaders { get; init; } = ["*"];

    /// <summary>Whether cookies and <c>Authorization</c> may be sent cross-origin (listed origins only).</summary>
    public bool AllowCredentials { get; init; }

    /// <summary>How long browsers may cache a preflight answer, in seconds.</summary>
    public int MaxAgeSecs { get; init; } = 3600;

    /// <summary>Whether any origin is allowed (an <c>"*"</c> among the origins).</summary>
    public bool IsPermissive => AllowedOrigins.Contains("*");
}

/// <summary>An invalid server setting; the message says how to fix it.</summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SettingsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public SettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
