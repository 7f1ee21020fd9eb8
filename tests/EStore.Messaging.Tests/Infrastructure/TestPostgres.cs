using Npgsql;

namespace EStore.Messaging.Tests.Infrastructure;

/// <summary>
/// Throwaway PostgreSQL databases on the server named by <c>ESTORE_TEST_POSTGRES</c>. A test class
/// holds one instance (as a fixture); every database it handed out is dropped when the class ends.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private readonly List<string> _created = [];

    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";

    /// <summary>A connection string for a database that does not exist yet (the service creates it).</summary>
    public string NewDatabase()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"msg_{Guid.NewGuid():N}"[..30],
        }.ConnectionString;
        lock (_created)
        {
            _created.Add(connectionString);
        }
        return connectionString;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        foreach (var connectionString in _created)
        {
            await DropAsync(connection, new NpgsqlConnectionStringBuilder(connectionString).Database!);
        }
    }

    /// <summary>
    /// DROP ... WITH (FORCE) cannot end an autovacuum worker (it belongs to the superuser, not to
    /// the test login), so a drop that meets one is retried a few times.
    /// </summary>
    public static async Task DropAsync(NpgsqlConnection admin, string database)
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
