using EStore.Contracts;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>A message that cannot be handled goes to <c>&lt;topic&gt;.dlq</c> and the partition moves on.</summary>
public sealed class PoisonMessageTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task An_undeserialisable_message_lands_in_the_dead_letter_topic_with_its_error_and_the_next_message_is_handled()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        using var metrics = new MetricsCapture(host.Services);
        var account = Guid.NewGuid();
        var poison = LedgerEvent.Create(account, 1);
        var next = LedgerEvent.Create(account, 2);
        var noType = TestKafka.Message(next, LedgerApp.Registry);
        noType.Headers.Remove("event-type");

        await TestKafka.ProduceAsync(broker.BootstrapServers, LedgerApp.Topic,
            TestKafka.Message(poison, LedgerApp.Registry, payload: "{\"accountId\": 42"),
            noType,
            TestKafka.Message(next, LedgerApp.Registry));

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 1, "the message after the poison ones", TestKafka.Bounded);
        Assert.Equal(next.EventId, ledger[0].EventId);
        var dead = TestKafka.ReadTopic(broker.BootstrapServers, Topics.DeadLetterOf(LedgerApp.Topic), 2);
        Assert.Equal(2, dead.Count);
        var first = dead.Single(m => m.Message.Value.StartsWith("{\"accountId\": 42", StringComparison.Ordinal));
        Assert.Equal(account.ToString(), first.Message.Key);
        Assert.Equal(poison.EventId.ToString(), first.Message.Headers.Text(EventHeaders.EventId));
        Assert.Equal("deserialization", first.Message.Headers.Text(DeadLetterHeaders.Reason));
        Assert.False(string.IsNullOrWhiteSpace(first.Message.Headers.Text(DeadLetterHeaders.Error)));
        Assert.Equal(LedgerApp.Topic, first.Message.Headers.Text(DeadLetterHeaders.OriginalTopic));
        Assert.Equal(LedgerApp.AppName, first.Message.Headers.Text(DeadLetterHeaders.ConsumerGroup));
        Assert.Contains(dead, m => m.Message.Headers.Text(DeadLetterHeaders.Error).Contains("event-type", StringComparison.Ordinal));
        Assert.Equal(2, metrics.Total(MessagingMeter.DeadLettered, "reason=deserialization"));
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_is_retried_then_dead_lettered_and_one_that_fails_once_succeeds_on_retry()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        using var metrics = new MetricsCapture(host.Services);
        var account = Guid.NewGuid();

        await host.PublishAsync(
            LedgerEvent.Create(account, 1, LedgerEvent.FailAlways),
            LedgerEvent.Create(account, 2, LedgerEvent.FailOnce),
            LedgerEvent.Create(account, 3));

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 2, "the two handleable events", TestKafka.Bounded);
        Assert.Equal([2, 3], ledger.Select(e => e.Sequence));
        var dead = Assert.Single(TestKafka.ReadTopic(broker.BootstrapServers, Topics.DeadLetterOf(LedgerApp.Topic), 1));
        Assert.Equal("handler", dead.Message.Headers.Text(DeadLetterHeaders.Reason));
        Assert.Equal("3", dead.Message.Headers.Text(DeadLetterHeaders.Attempts));
        Assert.Contains("ledger entry 1 is rejected", dead.Message.Headers.Text(DeadLetterHeaders.Error), StringComparison.Ordinal);
        Assert.Equal("LedgerEvent", dead.Message.Headers.Text(EventHeaders.EventType));
        // Two retries of the failing handler, one of the handler that failed once.
        Assert.Equal(3, metrics.Total(MessagingMeter.Retried));
        Assert.Equal(1, metrics.Total(MessagingMeter.DeadLettered, "reason=handler"));
        // Nothing of the failed attempts survived: no inbox row for the dead-lettered event.
        Assert.Equal(2, await host.QueryAsync(db => Task.FromResult(db.Set<InboxMessage>().Count())));
    }
}
