using System.Data.Common;
using EStore.Platform.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EStore.Platform.Data;

/// <summary>
/// Creates the schema and seeds data before the service accepts requests. Several instances
/// may start at once against one database, so the work runs under a database-wide lock
/// (a PostgreSQL advisory lock, or a lock file beside a SQLite database). On PostgreSQL a context
/// that ships EF Core migrations is migrated; otherwise the schema is created from the model.
/// </summary>
internal sealed partial class DatabaseInitializer<TContext>(
    IServiceScopeFactory scopes,
    DatabaseSettings settings,
    Func<TContext, CancellationToken, Task>? seed,
    TimeProvider time,
    ILogger<DatabaseInitializer<TContext>> logger) : IStartupInitializer
    where TContext : DbContext
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            await InitializeSqliteAsync(context, cancellationToken);
        }
        else
        {
            await InitializePostgresAsync(context, cancellationToken);
        }
        LogReady(settings.Describe());
    }

    private async Task InitializeSqliteAsync(TContext context, CancellationToken cancellationToken)
    {
        var file = Path.GetFullPath(new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey, $"cannot create the folder for {file} ({ex.Message}).", ex);
        }
        await using var fileLock = await AcquireFileLockAsync(file + ".init-lock", cancellationToken);
        await OpenAsync(context, cancellationToken);
        // WAL lets instances of one service read while another writes.
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await CreateAndSeedAsync(context, cancellationToken);
    }

    private async Task InitializePostgresAsync(TContext context, CancellationToken cancellationToken)
    {
        try
        {
            await OpenAsync(context, cancellationToken);
        }
        catch (StartupConfigurationException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            await CreateDatabaseAsync(context, cancellationToken);
            await OpenAsync(context, cancellationToken);
        }
        var lockKey = StableHash(typeof(TContext).FullName!);
        await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", cancellationToken);
        try
        {
            if (context.Database.GetMigrations().Any())
            {
                await MigrateAsync(context, cancellationToken);
                await SeedAsync(context, cancellationToken);
            }
            else
            {
                await CreateAndSeedAsync(context, cancellationToken);
            }
        }
        finally
        {
            await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
        }
    }

    // Each service owns its database, so it creates it on first start (the login needs CREATEDB).
    private async Task CreateDatabaseAsync(TContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.GetService<IRelationalDatabaseCreator>().CreateAsync(cancellationToken);
            LogCreated(settings.Describe());
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it first.
        }
        catch (PostgresException ex)
        {
            throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                $"the {settings.Describe()} does not exist and cannot be created: {ex.MessageText}", ex);
        }
    }

    // Without migrations (and always on the zero-setup SQLite run) the schema comes straight from the model.
    private async Task CreateAndSeedAsync(TContext context, CancellationToken cancellationToken)
    {
        if (!await context.Database.EnsureCreatedAsync(cancellationToken))
        {
            await CheckSchemaMatchesModelAsync(context, cancellationToken);
        }
        await SeedAsync(context, cancellationToken);
    }

    // EnsureCreated leaves an existing database alone: one made by an older build may lack tables or columns, which
    // would otherwise surface as 500s on the first request that touches them. One empty SELECT per table names
    // every mapped column.
    private async Task CheckSchemaMatchesModelAsync(TContext context, CancellationToken cancellationToken)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        foreach (var entity in context.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table)
            {
                continue;
            }
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var columns = entity.GetProperties().Select(p => p.GetColumnName(store)).OfType<string>().Select(sql.DelimitIdentifier);
            try
            {
#pragma warning disable EF1002 // Identifiers come from our own model, not from input.
                await context.Database.ExecuteSqlRawAsync(
                    $"SELECT {string.Join(", ", columns)} FROM {sql.DelimitIdentifier(table, entity.GetSchema())} WHERE 1 = 0", cancellationToken);
#pragma warning restore EF1002
            }
            catch (DbException ex)
            {
                throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                    $"the {settings.Describe()} was made by an older build (table {table}: {Flatten(ex)}); delete it and start again.", ex);
            }
        }
    }

    private async Task SeedAsync(TContext context, CancellationToken cancellationToken)
    {
        if (seed is not null)
        {
            await seed(context, cancellationToken);
        }
    }

    // A service that ships EF Core migrations (PostgreSQL's) upgrades its database in place at startup.
    private async Task MigrateAsync(TContext context, CancellationToken cancellationToken)
    {
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (applied.Count == 0 && await context.GetService<IRelationalDatabaseCreator>().HasTablesAsync(cancellationToken))
        {
            // Tables without a migration history were made from the model by an older build: migrating would
            // collide with them, and guessing which migration they match could lose data.
            throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                $"the {settings.Describe()} has tables but no migration history (created by an older build); " +
                "drop the database or apply the migrations by hand.");
        }
        var pending = context.Database.GetMigrations().Except(applied).ToList();
        try
        {
            await context.Database.MigrateAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                $"cannot migrate the {settings.Describe()}: {ex.MessageText}", ex);
        }
        if (pending.Count > 0)
        {
            LogMigrated(string.Join(", ", pending), settings.Describe());
        }
    }

    // Retries for a while (a database container may still be starting), then fails with one clear line.
    private async Task OpenAsync(TContext context, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + settings.StartupTimeout;
        while (true)
        {
            try
            {
                await context.Database.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() >= deadline || ex is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
                {
                    throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                        $"cannot connect to the {settings.Describe()}: {Flatten(ex)}", ex);
                }
                LogRetrying(settings.Describe(), Flatten(ex));
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    // EF Core wraps the driver's error in a generic "transient failure" message; the root cause is what helps.
    private static string Flatten(Exception ex) => ex switch
    {
        PostgresException postgres => postgres.MessageText,
        _ => ex.GetBaseException().Message,
    };

    // A lock id that is the same in every process (string.GetHashCode is randomised per process).
    private static long StableHash(string text)
    {
        unchecked
        {
            long hash = 1469598103934665603;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211;
            }
            return hash;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready: {Database}")]
    private partial void LogReady(string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migrations {Migrations} to the {Database}")]
    private partial void LogMigrated(string migrations, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the {Database}")]
    private partial void LogCreated(string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet ({Database}): {Error}; retrying")]
    private partial void LogRetrying(string database, string error);
}
