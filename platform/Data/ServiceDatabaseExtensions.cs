using EStore.Platform.Health;
using EStore.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EStore.Platform.Data;

/// <summary>Registers a service's own database.</summary>
public static class ServiceDatabaseExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> on the engine named by <c>Database:Provider</c>
    /// (<c>Postgres</c> or <c>Sqlite</c>, default SQLite), the <c>db</c> health component, database spans and metrics, and
    /// schema work plus optional seeding at startup (run by <c>RunServiceAsync</c>): on PostgreSQL the context's
    /// EF Core migrations are applied when its assembly has any (<c>build/add-migration.sh</c> adds one), otherwise
    /// the schema is created from the model, as it always is on SQLite.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="startupSteps">Run in order at every startup once the schema is in place (backfills, then the seed of an
    /// empty database), under the initializer's lock; each must be idempotent; null steps are skipped.</param>
    /// <exception cref="StartupConfigurationException">The database configuration is invalid.</exception>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, params Func<TContext, CancellationToken, Task>?[] startupSteps)
        where TContext : DbContext
    {
        // Needed now: the provider chooses how the context is registered.
        var options = builder.AddValidatedOptionsNow<DatabaseOptions>(DatabaseOptions.Section);
        var settings = DatabaseSettings.For(options, ServiceIdentity.Of(builder).AppName);
        builder.Services.AddSingleton(settings);
        // Pooled: a request takes a ready context (services resolved, change tracker reset) instead of building one.
        builder.Services.AddDbContextPool<TContext>(settings.Configure);
        var steps = startupSteps.OfType<Func<TContext, CancellationToken, Task>>().ToArray();
        Func<TContext, CancellationToken, Task>? seed = steps.Length == 0 ? null : async (context, cancellationToken) =>
        {
            foreach (var step in steps)
            {
                await step(context, cancellationToken);
            }
        };
        builder.Services.AddSingleton<IStartupInitializer>(sp => new DatabaseInitializer<TContext>(
            sp.GetRequiredService<IServiceScopeFactory>(),
            settings,
            seed,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<DatabaseInitializer<TContext>>>()));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>("db", tags: [ActuatorEndpoints.ReadinessTag]);
        builder.Services.AddDatabaseTelemetry();
        builder.Services.AddDatabaseUnavailableProblems();
        return builder;
    }

    /// <summary>
    /// Answers requests that fail on a transient database failure (an exhausted connection pool, a server refusing or
    /// restarting) with a 503 problem and <c>Retry-After</c> instead of a 500. <see cref="AddServiceDatabase"/> calls it.
    /// </summary>
    public static IServiceCollection AddDatabaseUnavailableProblems(this IServiceCollection services)
    {
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        return services;
    }

    /// <summary>
    /// Adds Npgsql's spans (CLIENT, remote service <c>postgresql</c>) and metrics to the process's telemetry
    /// (platform Observability), if it records any. <see cref="AddServiceDatabase"/> calls it; a process that opens
    /// PostgreSQL connections of its own calls it directly.
    /// </summary>
    public static IServiceCollection AddDatabaseTelemetry(this IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddNpgsqlInstrumentation());
        return services;
    }
}
