using System.Data.Common;
using EStore.Platform.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
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
/// A service's database settings, bound from <c>Database:*</c> and <c>ConnectionStrings:Default</c> (hence at the
/// configuration root) and checked at start. Without configuration a service uses a SQLite file
/// <c>data/&lt;app-name&gt;.db</c> (<see cref="DatabaseSettings"/>).
/// </summary>
public sealed class DatabaseOptions : IValidatedOptions
{
    /// <summary>Bound at the configuration root: the keys are <c>Database:*</c> and <c>ConnectionStrings:Default</c>.</summary>
    public const string Section = "";

    /// <summary><c>Database:*</c>.</summary>
    public DatabaseSection Database { get; set; } = new();

    /// <summary><c>ConnectionStrings:*</c>; the service uses <c>Default</c>.</summary>
    public Dictionary<string, string> ConnectionStrings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The engine (default SQLite).</summary>
    public DatabaseProvider Provider => Enum.TryParse<DatabaseProvider>(Database.Provider, ignoreCase: true, out var provider) ? provider : DatabaseProvider.Sqlite;

    /// <summary>The configured connection string, if any.</summary>
    public string? ConnectionString => ConnectionStrings.GetValueOrDefault("Default");

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Database.Provider is { } text && !(Enum.TryParse<DatabaseProvider>(text, ignoreCase: true, out var provider) && Enum.IsDefined(provider)))
        {
            check.Fail("Database.Provider", $"unknown value '{text}'; expected 'Postgres' or 'Sqlite'.");
            return;
        }
        check.Range(Database.StartupTimeoutSeconds, 0, 3600);
        if (ConnectionString is null)
        {
            check.Require(Provider == DatabaseProvider.Sqlite, "ConnectionStrings.Default", "is required when Database:Provider is Postgres.");
        }
        else if (Normalized(Provider, ConnectionString) is { Error: { } error })
        {
            check.Fail("ConnectionStrings.Default", $"is not a valid {Provider} connection string ({error}).");
        }
    }

    internal static (string? Value, string? Error) Normalized(DatabaseProvider provider, string connectionString)
    {
        try
        {
            return (provider == DatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30 }.ToString()
                : WithPostgresDefaults(connectionString), null);
        }
        catch (ArgumentException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>
    /// Npgsql settings that halve PostgreSQL's work per short query, unless the connection string sets them: statements
    /// used often are prepared once per connection (<c>Max Auto Prepare</c>), and a connection going back to the pool is
    /// not reset (<c>No Reset On Close</c>), which is safe because no service changes session state (its advisory
    /// locks are per transaction, or released before the connection is returned). bench/results/cart.md measures it.
    /// </summary>
    private static string WithPostgresDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }
        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ToString();
    }

    /// <summary><c>Database:*</c>.</summary>
    public sealed class DatabaseSection
    {
        /// <summary><c>Postgres</c> or <c>Sqlite</c> (any case); unset, SQLite.</summary>
        public string? Provider { get; set; }

        /// <summary>How long startup keeps retrying an unreachable database, in seconds.</summary>
        public int StartupTimeoutSeconds { get; set; } = 15;
    }
}

/// <summary>The database a service runs on, resolved from validated <see cref="DatabaseOptions"/>.</summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">The connection string for that engine.</param>
/// <param name="StartupTimeout">How long startup keeps retrying an unreachable database.</param>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, TimeSpan StartupTimeout)
{
    /// <summary>Configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Default";

    /// <summary>
    /// The settings of <paramref name="appName"/>: its configured database, or the SQLite file
    /// <c>data/&lt;app-name&gt;.db</c>.
    /// </summary>
    /// <param name="options">Options that passed their validation.</param>
    /// <param name="appName">The app name, which names the default SQLite file.</param>
    public static DatabaseSettings For(DatabaseOptions options, string appName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.ConnectionString ?? $"Data Source={Path.Combine("data", appName + ".db")}";
        var connectionString = DatabaseOptions.Normalized(options.Provider, configured).Value
            ?? throw new ArgumentException("The options were not validated.", nameof(options));
        return new DatabaseSettings(options.Provider, connectionString, TimeSpan.FromSeconds(options.Database.StartupTimeoutSeconds));
    }
    /// <summary>Points EF Core at this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        _ = Provider == DatabaseProvider.Postgres
            ? options.UseNpgsql(ConnectionString)
            : options.UseSqlite(ConnectionString);
        // A failed SaveChanges still throws, and the caller decides: a unique violation is often an expected
        // answer (409, a lost race), so EF Core's own error line for it would only be noise.
        options.ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)));
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
