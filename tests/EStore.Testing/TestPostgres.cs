using Npgsql;

namespace EStore.Testing;

/// <summary>
/// Throwaway databases on the PostgreSQL server the tests use (<c>ESTORE_TEST_POSTGRES</c>, set up by <c>./estore test</c>).
/// Use the static members for one database a fixture creates and drops itself, or hold an instance as a class fixture:
/// it drops every database it handed out when the class ends.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private readonly List<string> _created = [];

    /// <summary>The server, logged in as the test user.</summary>
    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";

    /// <summary>A connection string for a database that does not exist yet (the service under test creates it).</summary>
    public static string NewDatabase(string purpose) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"test_{purpose}_{Guid.NewGuid():N}"[..40],
        }.ConnectionString;

    /// <summary>A new database's connection string that this fixture drops when it is disposed.</summary>
    public string NewDatabase()
    {
        var connectionString = NewDatabase("msg");
        lock (_created)
        {
            _created.Add(connectionString);
        }
        return connectionString;
    }

    /// <summary>Drops the database, whoever is still connected to it.</summary>
    public static async Task DropAsync(string connectionString)
    {
        await using var admin = await OpenAdminAsync();
        await DropAsync(admin, new NpgsqlConnectionStringBuilder(connectionString).Database!);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var admin = await OpenAdminAsync();
        foreach (var connectionString in _created)
        {
            await DropAsync(admin, new NpgsqlConnectionStringBuilder(connectionString).Database!);
        }
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        return admin;
    }

    // DROP ... WITH (FORCE) cannot end an autovacuum worker (it belongs to the superuser, not to the test login),
    // so a drop that meets one is retried a few times.
    private static async Task DropAsync(NpgsqlConnection admin, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
