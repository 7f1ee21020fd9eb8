using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>At-least-once delivery, exactly-once effect.</summary>
public sealed class InboxTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task The_same_event_produced_three_times_has_one_effect()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        using var metrics = new MetricsCapture(host.Services);
        var duplicated = LedgerEvent.Create(Guid.NewGuid(), 1);
        var marker = LedgerEvent.Create(duplicated.AccountId, 2);
        var message = TestKafka.Message(duplicated, LedgerApp.Registry);

        // Same key, so all copies land in one partition ahead of the marker.
        await TestKafka.ProduceAsync(broker.BootstrapServers, LedgerApp.Topic, message, message, message, TestKafka.Message(marker, LedgerApp.Registry));

        await Eventually.GetAsync(host.LedgerAsync, l => l.Any(e => e.Sequence == 2), "the marker event", TestKafka.Bounded);
        var ledger = await host.LedgerAsync();
        Assert.Equal([duplicated.EventId, marker.EventId], ledger.Select(e => e.EventId));
        Assert.Equal(2, metrics.Total(MessagingMeter.Consumed, "outcome=duplicate"));
        Assert.Equal(2, await host.QueryAsync(db => Task.FromResult(db.Set<InboxMessage>().Count())));
    }

    [Fact]
    public async Task A_consumer_killed_after_its_transactions_but_before_committing_offsets_redelivers_and_the_duplicates_change_nothing()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        var database = postgres.NewDatabase();
        // This instance only publishes; consumers run in their own processes.
        var publisherSettings = LedgerSettings.Postgres(broker.BootstrapServers, database, "publisher");
        publisherSettings["Messaging:Consumer:Enabled"] = "false";
        await using var publisher = await LedgerHost.StartAsync(publisherSettings, output);

        var consumerSettings = LedgerSettings.Postgres(broker.BootstrapServers, database, "first");
        consumerSettings["Messaging:Relay:Enabled"] = "false";
        // Offsets wait far longer than the test: every handled message is uncommitted when the process dies.
        consumerSettings["Messaging:Consumer:CommitIntervalMs"] = "600000";
        var events = Enumerable.Range(1, 40).Select(i => LedgerEvent.Create(Guid.NewGuid(), i)).ToArray();
        await using (var first = await LedgerProcess.StartAsync("first", consumerSettings, output))
        {
            await publisher.PublishAsync(events);
            await Eventually.GetAsync(publisher.LedgerAsync, l => l.Count == 40, "the first consumer to handle all 40", TestKafka.Bounded);
            first.Kill();
            await first.Process.Exited.WaitAsync(TestKafka.Bounded);
        }

        var committedBefore = TestKafka.Committed(broker.BootstrapServers, LedgerApp.AppName, LedgerApp.Topic).Values.Sum();
        Assert.True(committedBefore < 40, $"{committedBefore} offsets were committed before the kill; the test needs redeliveries");

        consumerSettings[LedgerApp.InstanceKey] = "second";
        consumerSettings["Messaging:Consumer:CommitIntervalMs"] = "0";
        await using var second = await LedgerProcess.StartAsync("second", consumerSettings, output);
        await Eventually.GetAsync(() => Task.FromResult(TestKafka.Committed(broker.BootstrapServers, LedgerApp.AppName, LedgerApp.Topic).Values.Sum()),
            committed => committed == 40, "the second consumer to work through the redelivered messages and commit them", TestKafka.Bounded);

        var ledger = await publisher.LedgerAsync();
        Assert.Equal(events.Select(e => e.EventId).Order(), ledger.Select(e => e.EventId).Order());
        Assert.All(ledger, entry => Assert.Equal("first", entry.HandledBy));
    }
}
