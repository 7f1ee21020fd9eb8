using System.Net.Http.Json;
using System.Text.Json;
using EStore.Messaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>Instances of one service share the partitions of their consumer group.</summary>
public sealed class ConsumerGroupTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    private const int Accounts = 24;

    [Fact]
    public async Task Two_instances_split_the_partitions_and_when_one_is_killed_the_other_takes_over_with_every_event_handled_exactly_once()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        var database = postgres.NewDatabase();
        var publisherSettings = LedgerSettings.Postgres(broker.BootstrapServers, database, "publisher");
        publisherSettings["Messaging:Consumer:Enabled"] = "false";
        await using var publisher = await LedgerHost.StartAsync(publisherSettings, output);
        await using var a = await LedgerProcess.StartAsync("a", ConsumerSettings(broker.BootstrapServers, database, "a"), output);
        await using var b = await LedgerProcess.StartAsync("b", ConsumerSettings(broker.BootstrapServers, database, "b"), output);

        // Both members joined and the 12 partitions (two topics of 6) are split between them.
        await Eventually.GetAsync(async () => (await AssignedAsync(a.Management), await AssignedAsync(b.Management)),
            p => p.Item1 > 0 && p.Item2 > 0 && p.Item1 + p.Item2 == 12, "a and b to share the 12 partitions", TestKafka.Bounded);

        var accounts = Enumerable.Range(0, Accounts).Select(_ => Guid.NewGuid()).ToArray();
        await PublishRoundAsync(publisher, accounts, 1, 10);
        var ledger = await Eventually.GetAsync(publisher.LedgerAsync, l => l.Count == Accounts * 10, "the first 240 events", TestKafka.Bounded);
        var byInstance = ledger.GroupBy(e => e.HandledBy).ToDictionary(g => g.Key, g => g.Select(e => e.Partition).ToHashSet());
        Assert.Equal(["a", "b"], byInstance.Keys.Order());
        Assert.Empty(byInstance["a"].Intersect(byInstance["b"]));

        // Kill a while a second round is being published and handled.
        var killed = false;
        for (var sequence = 11; sequence <= 30; sequence++)
        {
            await PublishRoundAsync(publisher, accounts, sequence, sequence);
            if (!killed && (await publisher.LedgerAsync()).Count(e => e.HandledBy == "a" && e.Sequence > 10) > 10)
            {
                a.Kill();
                killed = true;
            }
        }
        Assert.True(killed, "a handled nothing of the second round before the end of publishing");

        ledger = await Eventually.GetAsync(publisher.LedgerAsync, l => l.Count >= Accounts * 30, "all 720 events after the handover", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(2));
        ledger = await publisher.LedgerAsync();
        Assert.Equal(Accounts * 30, ledger.Count);
        Assert.Equal(ledger.Count, ledger.Select(e => e.EventId).Distinct().Count());
        Assert.Contains(ledger, e => e.HandledBy == "b" && byInstance["a"].Contains(e.Partition));
        // Per account, the handling order (ledger ids) is the publishing order, across the handover.
        foreach (var account in ledger.GroupBy(e => e.AccountId))
        {
            Assert.Equal(Enumerable.Range(1, 30), account.OrderBy(e => e.Id).Select(e => e.Sequence));
        }
    }

    private static Dictionary<string, string?> ConsumerSettings(string bootstrapServers, string database, string instance)
    {
        var settings = LedgerSettings.Postgres(bootstrapServers, database, instance);
        settings["Messaging:Relay:Enabled"] = "false";
        return settings;
    }

    private static async Task PublishRoundAsync(LedgerHost publisher, Guid[] accounts, int fromSequence, int toSequence)
    {
        for (var sequence = fromSequence; sequence <= toSequence; sequence++)
        {
            await publisher.PublishAsync(accounts.Select(account => LedgerEvent.Create(account, sequence)).ToArray());
        }
    }

    private static async Task<int> AssignedAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/actuator/health/kafka");
        return body.GetProperty("details").GetProperty("assignedPartitions").GetInt32();
    }
}
