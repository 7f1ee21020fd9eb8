using Npgsql;

namespace EStore.Shop.Tests.Infrastructure;

/// <summary>The PostgreSQL server of the tests (<c>ESTORE_TEST_POSTGRES</c>); each fixture gets a throwaway database.</summary>
internal static class TestPostgres
{
    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ESTORE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=estore;Password=estore";

    public static string NewDatabase(string purpose) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"sht_{purpose}_{Guid.NewGuid():N}"[..40],
        }.ConnectionString;

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
