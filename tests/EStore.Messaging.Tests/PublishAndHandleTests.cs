using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>The basic path: outbox row, relay, broker, consumer, handler transaction.</summary>
public sealed class PublishAndHandleTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Event_written_to_the_outbox_is_published_with_headers_and_handled_once()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        using var metrics = new MetricsCapture(host.Services);

        var order = NewOrder();
        await host.PublishAsync(order);

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 1, "the handler's ledger row", TestKafka.Bounded);
        Assert.Equal(order.EventId, ledger[0].EventId);
        Assert.Equal(3, ledger[0].Sequence);
        var outbox = await Eventually.GetAsync(host.OutboxAsync, o => o.Single().SentAt is not null, "the outbox row marked sent", TestKafka.Bounded);
        Assert.Equal("OrderCreated", outbox[0].EventType);

        var message = Assert.Single(TestKafka.ReadTopic(broker.BootstrapServers, Topics.Order, 1));
        Assert.Equal(order.OrderId.ToString(), message.Message.Key);
        Assert.Equal("OrderCreated", message.Message.Headers.Text(EventHeaders.EventType));
        Assert.Equal(order.EventId.ToString(), message.Message.Headers.Text(EventHeaders.EventId));
        var roundTripped = (OrderCreated)EventJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(message.Message.Value), typeof(OrderCreated));
        Assert.Equal(order.Total, roundTripped.Total);

        var inbox = Assert.Single(await host.QueryAsync(db => db.Set<InboxMessage>().AsNoTracking().ToListAsync()));
        Assert.Equal((order.EventId, LedgerApp.AppName, "OrderCreated", Topics.Order), (inbox.EventId, inbox.Consumer, inbox.EventType, inbox.Topic));
        Assert.Equal(message.Offset.Value, inbox.Offset);
        Assert.Equal(1, metrics.Total(MessagingMeter.Published, $"topic={Topics.Order}"));
        await Eventually.GetAsync(() => Task.FromResult(metrics.Total(MessagingMeter.Consumed, "outcome=handled")), n => n == 1, "the consumed counter", TestKafka.Bounded);
    }

    [Fact]
    public async Task A_handler_follow_up_event_commits_with_its_inbox_row_and_a_failed_attempt_leaves_no_follow_up()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        var account = Guid.NewGuid();

        await host.PublishAsync(LedgerEvent.Create(account, 1, LedgerEvent.ForwardFailOnce));

        // The follow-up went through outbox, relay and broker back into this service's handler.
        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 2, "the event and its follow-up", TestKafka.Bounded);
        Assert.Equal([1, 101], ledger.Select(e => e.Sequence));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var outbox = await host.OutboxAsync();
        Assert.Equal(["LedgerEvent", "LedgerEvent"], outbox.Select(o => o.EventType));
        Assert.Equal(2, (await host.LedgerAsync()).Count);
    }

    internal static OrderCreated NewOrder() => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
        [
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), null, Guid.NewGuid(), "Mug", 2, new Money(12.50m, "EUR")),
            new OrderLine(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Tea", 1, new Money(4.20m, "EUR")),
        ],
        new Money(29.20m, "EUR"),
        new AddressSnapshot("Ada Lovelace", "1 Analytical Way", null, "London", "N1 1AA", "GB"))
    {
        OccurredAt = DateTimeOffset.UtcNow,
    };
}
