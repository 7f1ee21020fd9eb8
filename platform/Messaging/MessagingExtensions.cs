using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Kafka;
using EStore.Platform.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Messaging;

/// <summary>Registers the Kafka event bus with its transactional outbox and idempotent inbox.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds the event bus on top of the service's database <typeparamref name="TContext"/> (whose
    /// <c>OnModelCreating</c> must call <see cref="MessagingModelBuilderExtensions.AddMessagingTables"/>):
    /// the scoped <see cref="IEventOutbox"/>, the outbox relay when the service publishes, the
    /// consumer when it handles events, topic creation, the <c>kafka</c> health component and the
    /// <c>EStore.Messaging</c> meter.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Declares published topics and handled events.</param>
    /// <exception cref="StartupConfigurationException"><c>Kafka:BootstrapServers</c> is missing or a setting is malformed.</exception>
    public static IHostApplicationBuilder AddKafkaMessaging<TContext>(this IHostApplicationBuilder builder, Action<MessagingBuilder> configure)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(MessagingTopology)))
        {
            throw new InvalidOperationException("AddKafkaMessaging may be called once per service.");
        }

        // Needed now: whether the relay and the consumer run.
        var settings = MessagingSettings.For(
            builder.AddValidatedOptionsNow<KafkaOptions>(KafkaOptions.Section),
            builder.AddValidatedOptionsNow<MessagingOptions>(MessagingOptions.Section),
            ServiceIdentity.Of(builder).AppName);
        var messaging = new MessagingBuilder(services);
        configure(messaging);
        var topology = messaging.Build();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton(settings);
        services.AddSingleton(topology);
        services.AddSingleton(messaging.Registry);
        services.AddSingleton<MessagingState>();
        services.AddSingleton<MessagingMetrics>();
        services.TryAddSingleton<MessagingTracing>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<KafkaClients>();
        services.AddSingleton<TopicProvisioner>();
        services.AddScoped<IEventOutbox, EventOutbox<TContext>>();
        services.AddSingleton<IStartupInitializer, MessagingModelCheck<TContext>>();
        // Resolved eagerly so the gauges exist before the first event.
        services.AddHostedService<MetricsActivator>();
        if (topology.PublishedTopics.Count > 0 && settings.RelayEnabled)
        {
            services.AddHostedService<OutboxRelay<TContext>>();
        }
        if (topology.Handlers.Count > 0 && settings.ConsumerEnabled)
        {
            services.AddHostedService<KafkaConsumerService<TContext>>();
        }
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: [ActuatorEndpoints.ReadinessTag]);
        return builder;
    }
}

/// <summary>Fails startup clearly when the DbContext lacks the messaging tables or runs on an unsupported engine.</summary>
internal sealed class MessagingModelCheck<TContext>(IServiceScopeFactory scopes) : IStartupInitializer
    where TContext : DbContext
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Model.FindEntityType(typeof(OutboxMessage)) is null || db.Model.FindEntityType(typeof(InboxMessage)) is null)
        {
            throw new InvalidOperationException($"{typeof(TContext).Name} has no messaging tables: call modelBuilder.AddMessagingTables() in its OnModelCreating.");
        }
        if (!db.Database.IsNpgsql() && !db.Database.IsSqlite())
        {
            throw new InvalidOperationException($"messaging supports PostgreSQL and SQLite, not {db.Database.ProviderName}.");
        }
    }
}

/// <summary>Creates the instruments at startup: resolving <see cref="MessagingMetrics"/> registers the gauges.</summary>
internal sealed class MetricsActivator(MessagingMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
