using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Data;

/// <summary>The <c>db</c> health component: can the service reach its own database.</summary>
internal sealed class DatabaseHealthCheck<TContext>(TContext context, DatabaseSettings settings) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext healthContext, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["database"] = settings.Provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite" };
        try
        {
            return await context.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy(data: data)
                : HealthCheckResult.Unhealthy($"cannot connect to the {settings.Describe()}", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"cannot connect to the {settings.Describe()}", ex, data);
        }
    }
}
