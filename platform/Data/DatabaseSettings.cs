using EStore.Platform.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EStore.Platform.Data;

/// <summary>The database engines a service can run on.</summary>
public enum DatabaseProvider
{
    /// <summary>PostgreSQL: tests, docker-compose and production.</summary>
    Postgres,
    /// <summary>SQLite files: the zero-setup local run.</summary>
    Sqlite,
}

/// <summary>
/// A service's database settings, read from <c>Database:Provider</c> and
/// <c>ConnectionStrings:Default</c>. Without configuration a service uses a SQLite file
/// <c>data/&lt;app-name&gt;.db</c>.
/// </summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">The connection string for that engine.</param>
/// <param name="StartupTimeout">How long startup keeps retrying an unreachable database.</param>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, TimeSpan StartupTimeout)
{
    /// <summary>Configuration key of the engine.</summary>
    public const string ProviderKey = "Database:Provider";

    /// <summary>Configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Default";

    /// <summary>Configuration key of the startup retry window, in seconds.</summary>
    public const string StartupTimeoutKey = "Database:StartupTimeoutSeconds";

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="StartupConfigurationException">A value is unknown or malformed.</exception>
    public static DatabaseSettings FromConfiguration(IConfiguration configuration, string appName)
    {
        var providerText = configuration[ProviderKey];
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerText))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new StartupConfigurationException(ProviderKey, $"unknown value '{providerText}'; expected 'Postgres' or 'Sqlite'.");
        }

        var timeout = TimeSpan.FromSeconds(SettingValues.Int(configuration, StartupTimeoutKey, 15, 0, 3600));

        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine("data", appName + ".db")}"
                : throw new StartupConfigurationException(ConnectionStringKey, "is required when Database:Provider is Postgres.");
        }
        try
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30 }.ToString()
                : new NpgsqlConnectionStringBuilder(connectionString).ToString();
        }
        catch (ArgumentException ex)
        {
            throw new StartupConfigurationException(ConnectionStringKey, $"is not a valid {provider} connection string ({ex.Message}).");
        }
        return new DatabaseSettings(provider, connectionString, timeout);
    }

    /// <summary>Points EF Core at this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        _ = Provider == DatabaseProvider.Postgres
            ? options.UseNpgsql(ConnectionString)
            : options.UseSqlite(ConnectionString);
    }

    /// <summary>The connection string without secrets, for log lines and health details.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return $"SQLite file {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL database '{builder.Database}' at {builder.Host}:{builder.Port}";
    }
}
