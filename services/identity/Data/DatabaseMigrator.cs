using System.Data.Common;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EStore.Identity.Data;

/// <summary>
/// Applies the EF Core migrations to PostgreSQL before the platform's database initializer runs (which
/// then finds the tables and does nothing). EF Core's migration lock serialises instances starting together,
/// and Migrate creates the database when it is missing. The zero-setup SQLite run keeps the platform's
/// schema-from-model creation.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes,
    DatabaseSettings settings,
    TimeProvider time,
    ILogger<DatabaseMigrator> logger) : IStartupInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        var deadline = time.GetUtcNow() + settings.StartupTimeout;
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                await db.Database.MigrateAsync(cancellationToken);
                if (pending.Count > 0)
                {
                    LogMigrated(string.Join(", ", pending), settings.Describe());
                }
                return;
            }
            catch (Exception ex) when (IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                        $"cannot migrate the {settings.Describe()}: {ex.GetBaseException().Message}", ex);
                }
                LogRetrying(settings.Describe(), ex.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
            catch (PostgresException ex)
            {
                throw new StartupConfigurationException(DatabaseSettings.ConnectionStringKey,
                    $"cannot migrate the {settings.Describe()}: {ex.MessageText}", ex);
            }
        }
    }

    // A server that is still starting; not an error in the migrations themselves.
    private static bool IsUnreachable(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or TimeoutException
        || ex is DbException && ex.InnerException is System.Net.Sockets.SocketException
        || ex.InnerException is { } inner && IsUnreachable(inner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migrations {Migrations} to the {Database}")]
    private partial void LogMigrated(string migrations, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet ({Database}): {Error}; retrying")]
    private partial void LogRetrying(string database, string error);
}
