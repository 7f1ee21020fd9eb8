using EStore.Messaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>One aggregate's events are published and handled in the order they were committed.</summary>
public sealed class OrderingTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Events_of_one_aggregate_are_handled_in_commit_order_while_three_relays_publish_each_row_once()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        var database = postgres.NewDatabase();
        // Three instances of the service share the outbox; only the first consumes.
        var settings = LedgerSettings.Postgres(broker.BootstrapServers, database, "a");
        settings["Messaging:Relay:BatchSize"] = "7";
        await using var a = await LedgerHost.StartAsync(settings, output);
        settings["Messaging:Consumer:Enabled"] = "false";
        settings[LedgerApp.InstanceKey] = "b";
        await using var b = await LedgerHost.StartAsync(settings, output);
        settings[LedgerApp.InstanceKey] = "c";
        await using var c = await LedgerHost.StartAsync(settings, output);

        var accounts = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        var writers = new[] { a, b, c };
        for (var sequence = 1; sequence <= 20; sequence++)
        {
            // Each commit holds one event of every account, through a different instance each time.
            await writers[sequence % 3].PublishAsync(accounts.Select(account => LedgerEvent.Create(account, sequence)).ToArray());
        }

        var ledger = await Eventually.GetAsync(a.LedgerAsync, l => l.Count >= 200, "all 200 events", TestKafka.Bounded);
        foreach (var account in ledger.GroupBy(e => e.AccountId))
        {
            Assert.Equal(Enumerable.Range(1, 20), account.OrderBy(e => e.Id).Select(e => e.Sequence));
        }

        // On the topic itself: every event exactly once, and each key's messages in sequence order.
        var messages = TestKafka.ReadTopic(broker.BootstrapServers, LedgerApp.Topic, 201, TimeSpan.FromSeconds(10));
        Assert.Equal(200, messages.Count);
        Assert.Equal(200, messages.Select(m => m.Message.Headers.Text("event-id")).Distinct().Count());
        foreach (var key in messages.GroupBy(m => m.Message.Key))
        {
            var sequences = key.OrderBy(m => m.Offset.Value).Select(m => System.Text.Json.JsonDocument.Parse(m.Message.Value).RootElement.GetProperty("sequence").GetInt32());
            Assert.Equal(Enumerable.Range(1, 20), sequences);
        }
    }
}
