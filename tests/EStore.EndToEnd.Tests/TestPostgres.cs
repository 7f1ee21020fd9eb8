using Npgsql;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// The PostgreSQL server end-to-end tests use (<c>ESTORE_TEST_POSTGRES</c>, set up by
/// <c>./estore test</c>). Each test run gets throwaway databases, dropped afterwards.
/// </summary>
internal static class TestPostgres
{
    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";

    /// <summary>A connection string for a database that does not exist yet (the service creates it).</summary>
    public static string NewDatabase(string purpose) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"e2e_{purpose}_{Guid.NewGuid():N}"[..40],
            Pooling = false,
        }.ConnectionString;

    public static async Task DropAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var admin = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
