using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EStore.Messaging.Bench;

/// <summary>When each event's producing transaction and its handler's transaction committed (Stopwatch ticks).</summary>
internal static class Clock
{
    public static readonly ConcurrentDictionary<Guid, long> Committed = new();
    public static readonly ConcurrentDictionary<Guid, long> Handled = new();

    public static void Reset()
    {
        Committed.Clear();
        Handled.Clear();
    }
}

internal sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    /// <summary>Event ids handled in the current transaction; stamped when it commits.</summary>
    public List<Guid> HandledInTransaction { get; } = [];

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.AddInterceptors(CommitStamp.Instance);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        modelBuilder.Entity<Effect>().ToTable("effects");
    }
}

internal sealed class Effect
{
    public long Id { get; set; }
    public Guid EventId { get; set; }
    public Guid OrderId { get; set; }
    public decimal Total { get; set; }
}

/// <summary>The handler's effect: one row, like a real saga step's smallest write.</summary>
internal sealed class OrderCreatedHandler(BenchDbContext db) : IEventHandler<OrderCreated>
{
    public Task HandleAsync(OrderCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        db.Set<Effect>().Add(new Effect { EventId = context.EventId, OrderId = @event.OrderId, Total = @event.Total.Amount });
        db.HandledInTransaction.Add(context.EventId);
        return Task.CompletedTask;
    }
}

/// <summary>Stamps the handled time after the consumer's transaction has committed, not before.</summary>
internal sealed class CommitStamp : DbTransactionInterceptor
{
    public static readonly CommitStamp Instance = new();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is BenchDbContext { HandledInTransaction.Count: > 0 } db)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var id in db.HandledInTransaction)
            {
                Clock.Handled.TryAdd(id, now);
            }
            db.HandledInTransaction.Clear();
        }
        return Task.CompletedTask;
    }
}

/// <summary>One in-process instance of the benchmark service (no web server: only what messaging needs).</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public static async Task<BenchHost> StartAsync(string bootstrapServers, string connectionString, bool relay, bool consume, int fetchWaitMs)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eureka:Instance:AppName"] = "bench-service",
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = connectionString,
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Messaging:Relay:Enabled"] = relay ? "true" : "false",
            ["Messaging:Consumer:Enabled"] = consume ? "true" : "false",
            ["Kafka:Consumer:fetch.wait.max.ms"] = fetchWaitMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // The database does not exist at first start; the initializer creates it (ServiceHost's defaults silence this too).
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.Critical);
        builder.Services.AddHealthChecks();
        builder.AddServiceDatabase<BenchDbContext>();
        builder.AddKafkaMessaging<BenchDbContext>(m =>
        {
            m.Publishes(Topics.Order);
            m.Consumes<OrderCreated, OrderCreatedHandler>();
        });
        var host = builder.Build();
        foreach (var initializer in host.Services.GetServices<IStartupInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }
        await host.StartAsync();
        return new BenchHost(host);
    }

    public async Task<int> AssignedPartitionsAsync()
    {
        var report = await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "kafka");
        return report.Entries["kafka"].Data.TryGetValue("assignedPartitions", out var value) ? (int)value : 0;
    }

    /// <summary>One event per transaction, as a request handler would write it.</summary>
    public async Task CommitAsync(OrderCreated order)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
        scope.ServiceProvider.GetRequiredService<IEventOutbox>().Add(order);
        await db.SaveChangesAsync();
        Clock.Committed[order.EventId] = Stopwatch.GetTimestamp();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
