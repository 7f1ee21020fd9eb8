using System.Collections.Concurrent;
using EStore.Mesh;
using Npgsql;

namespace EStore.EndToEnd.Tests;

/// <summary>An operator who mistypes a setting gets one clear line naming the key, not a stack trace.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task Unknown_database_provider_stops_startup_with_one_line_naming_the_key()
    {
        var (exitCode, lines) = await RunProductServiceAsync(new() { ["Database__Provider"] = "MySql" });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines, l => l.Contains("Database:Provider", StringComparison.Ordinal));
        Assert.Contains("'MySql'", line, StringComparison.Ordinal);
        AssertNoStackTrace(lines);
    }

    [Fact]
    public async Task Unreachable_database_stops_startup_with_one_line_naming_the_connection_string()
    {
        var (exitCode, lines) = await RunProductServiceAsync(new()
        {
            ["Database__Provider"] = "Postgres",
            // Port 1 on loopback: nothing listens there.
            ["ConnectionStrings__Default"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=estore;Password=estore",
            ["Database__StartupTimeoutSeconds"] = "1",
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines, l => l.Contains("ConnectionStrings:Default", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("Password=estore", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("fail:", StringComparison.Ordinal));
        AssertNoStackTrace(lines);
    }

    [Fact]
    public async Task A_database_made_by_an_older_build_without_migrations_stops_startup_with_one_line_saying_so()
    {
        // Tables but no migration history: what EnsureCreated left behind before product-service shipped migrations.
        var database = TestPostgres.NewDatabase("premigration");
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        var admin = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        try
        {
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var table = new NpgsqlCommand("CREATE TABLE products (\"Id\" uuid PRIMARY KEY, \"Name\" text NOT NULL)", connection);
                await table.ExecuteNonQueryAsync();
            }

            var (exitCode, lines) = await RunProductServiceAsync(new()
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Default"] = database,
            });

            Assert.Equal(1, exitCode);
            var line = Assert.Single(lines, l => l.Contains("no migration history", StringComparison.Ordinal));
            Assert.Contains("ConnectionStrings:Default", line, StringComparison.Ordinal);
            AssertNoStackTrace(lines);
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    [Fact]
    public async Task Out_of_range_gateway_request_timeout_stops_startup_naming_the_key()
    {
        var (exitCode, lines) = await RunAsync("gateway", "EStore.Gateway", new() { ["Gateway__RequestTimeoutSeconds"] = "0" });

        Assert.Equal(1, exitCode);
        Assert.Contains("crit: startup failed: Gateway:RequestTimeoutSeconds: '0' must be from 1 to 600.", lines);
        AssertNoStackTrace(lines);
    }

    [Fact]
    public async Task The_old_public_reads_key_stops_the_gateway_instead_of_opening_reads()
    {
        var (exitCode, lines) = await RunAsync("gateway", "EStore.Gateway", new() { ["Gateway__RequireAuthForCatalog"] = "true" });

        Assert.Equal(1, exitCode);
        Assert.Contains("crit: startup failed: Gateway:RequireAuthForCatalog: was renamed Gateway:RequireAuthForPublicReads; set that key instead.", lines);
        AssertNoStackTrace(lines);
    }

    [Fact]
    public async Task Out_of_range_reservation_expiry_stops_startup_naming_the_key()
    {
        var (exitCode, lines) = await RunProductServiceAsync(new() { ["Reservations__SweepSeconds"] = "0" });

        Assert.Equal(1, exitCode);
        Assert.Contains("crit: startup failed: Reservations:SweepSeconds: '0' must be from 1 to 3600.", lines);
        AssertNoStackTrace(lines);
    }

    [Fact]
    public async Task Unparsable_setting_stops_startup_with_one_line_naming_the_key_and_the_value()
    {
        var (exitCode, lines) = await RunProductServiceAsync(new() { ["Reservations__TtlMinutes"] = "abc" });

        Assert.Equal(1, exitCode);
        Assert.Contains("crit: startup failed: Reservations:TtlMinutes: 'abc' is not a whole number.", lines);
        AssertNoStackTrace(lines);
    }

    [Theory]
    [InlineData(null, "Feeds:CredentialKey: is required")]
    [InlineData("bm90LTMyLWJ5dGVz", "Feeds:CredentialKey: must be base64 of exactly 32 bytes.")]
    [InlineData("not base64 at all!", "Feeds:CredentialKey: must be base64 of exactly 32 bytes.")]
    public async Task A_missing_or_invalid_feed_credential_key_stops_startup_naming_the_key_never_the_value(string? key, string start)
    {
        var (exitCode, lines) = await RunProductServiceAsync(new() { ["Feeds__CredentialKey"] = key });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines, l => l.Contains("Feeds:CredentialKey", StringComparison.Ordinal));
        Assert.StartsWith("crit: startup failed: " + start, line, StringComparison.Ordinal);
        if (key is not null)
        {
            Assert.DoesNotContain(key, line, StringComparison.Ordinal);
        }
        AssertNoStackTrace(lines);
    }

    private static void AssertNoStackTrace(IEnumerable<string> lines)
    {
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    private static Task<(int ExitCode, IReadOnlyList<string> Lines)> RunProductServiceAsync(Dictionary<string, string?> environment) =>
        RunAsync("product-service", "EStore.Product", environment);

    private static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunAsync(string app, string assembly, Dictionary<string, string?> environment)
    {
        var layout = RepositoryLayout.Discover();
        var dll = layout.FindDll(assembly) ?? throw new InvalidOperationException($"{assembly} is not built");
        var lines = new ConcurrentQueue<string>();
        var start = ManagedProcessStartInfo.ForDotnet(app, dll);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Eureka__Client__ShouldRegisterWithEureka"] = "false";
        start.Environment["Eureka__Client__ShouldFetchRegistry"] = "false";
        // Required by services with messaging; nothing listens there, which only matters after startup.
        start.Environment["Kafka__BootstrapServers"] = "127.0.0.1:1";
        // Required by product-service (its tests of other keys need a valid one).
        start.Environment["Feeds__CredentialKey"] = Convert.ToBase64String(new byte[32]);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.OnOutput = line => lines.Enqueue(line.Text);
        await using var process = ManagedProcess.Start(start);
        var exitCode = await process.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, lines.ToList());
    }
}
