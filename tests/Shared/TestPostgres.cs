using Npgsql;

namespace EStore.Testing;

/// <summary>
/// The PostgreSQL server the tests use (<c>ESTORE_TEST_POSTGRES</c>, set up by <c>./estore test</c>).
/// Each fixture gets a throwaway database, created by the service under test and dropped afterwards.
/// Linked into every test project that needs one.
/// </summary>
internal static class TestPostgres
{
    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";

    /// <summary>A connection string for a database that does not exist yet.</summary>
    public static string NewDatabase(string purpose) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"test_{purpose}_{Guid.NewGuid():N}"[..40],
        }.ConnectionString;

    /// <summary>Drops the database, whoever is still connected to it.</summary>
    public static async Task DropAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var admin = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
