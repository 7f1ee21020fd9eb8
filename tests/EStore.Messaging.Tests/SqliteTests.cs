using EStore.Contracts;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>The zero-setup local run: the same bus on a SQLite file.</summary>
public sealed class SqliteTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("estore-msg-").FullName;

    [Fact]
    public async Task On_sqlite_events_go_through_the_outbox_to_the_handler_once_and_the_kafka_component_is_up()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Sqlite(broker.BootstrapServers, Path.Combine(_directory, "ledger.db"), "a"), output);
        var order = PublishAndHandleTests.NewOrder();
        var account = Guid.NewGuid();

        await host.PublishAsync(order, LedgerEvent.Create(account, 1));
        await host.PublishAsync(LedgerEvent.Create(account, 2));
        // A redelivery of the order event changes nothing.
        await TestKafka.ProduceAsync(broker.BootstrapServers, Topics.Order, TestKafka.Message(order, LedgerApp.Registry));

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 3, "three handled events", TestKafka.Bounded);
        await Task.Delay(TimeSpan.FromSeconds(1));
        ledger = await host.LedgerAsync();
        Assert.Equal(3, ledger.Count);
        Assert.Equal([1, 2], ledger.Where(e => e.AccountId == account).Select(e => e.Sequence));
        await Eventually.GetAsync(host.OutboxAsync, o => o.Count == 3 && o.All(row => row.SentAt is not null), "all outbox rows sent", TestKafka.Bounded);
        // The backlog in the health details is sampled, so it reaches 0 shortly after the last send.
        var health = await Eventually.GetAsync(() => OutboxTests.KafkaHealthAsync(host.Management),
            h => h.Status == "UP" && h.Details.GetProperty("outboxBacklog").GetInt64() == 0, "kafka UP with an empty backlog", TestKafka.Bounded);
        Assert.Equal(LedgerApp.AppName, health.Details.GetProperty("consumerGroup").GetString());
        Assert.Equal(12, health.Details.GetProperty("assignedPartitions").GetInt32());
        // Inbox rows are written with plain SQL; EF reads them back with the same id and time formats.
        var inbox = await host.QueryAsync(db => db.Set<InboxMessage>().AsNoTracking().ToListAsync());
        Assert.Equal(ledger.Select(e => e.EventId).Order(), inbox.Select(i => i.EventId).Order());
        Assert.All(inbox, i => Assert.InRange(i.ProcessedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1)));
        Assert.Equal(1, await host.QueryAsync(db => db.Set<InboxMessage>().CountAsync(i => i.EventId == order.EventId)));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
