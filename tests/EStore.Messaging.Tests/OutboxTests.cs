using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>A state change and its event commit together; nothing is lost while the broker is away.</summary>
public sealed class OutboxTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task A_failure_before_commit_leaves_neither_state_nor_event_and_a_commit_delivers_both()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        var rolledBack = LedgerEvent.Create(Guid.NewGuid(), 1);
        var committed = LedgerEvent.Create(Guid.NewGuid(), 1);

        // The state change and the outbox row are written, then the code fails before the commit.
        await Assert.ThrowsAsync<InvalidOperationException>(() => ChangeStateAsync(host, rolledBack, failBeforeCommit: true));
        await ChangeStateAsync(host, committed, failBeforeCommit: false);

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count >= 1, "the committed event to be handled", TestKafka.Bounded);
        var accounts = await host.QueryAsync(db => db.Accounts.AsNoTracking().Select(a => a.Id).ToListAsync());
        var outbox = await host.OutboxAsync();
        Assert.Equal([committed.AccountId], accounts);
        Assert.Equal([committed.EventId], outbox.Select(o => o.EventId));
        // Give a ghost event every chance to show up before concluding there is none.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal([committed.EventId], (await host.LedgerAsync()).Select(l => l.EventId));
        Assert.Equal([committed.EventId], TestKafka.ReadTopic(broker.BootstrapServers, LedgerApp.Topic, 2, TimeSpan.FromSeconds(8))
            .Select(m => Guid.Parse(m.Message.Headers.Text("event-id"))));
    }

    [Fact]
    public async Task Events_committed_while_the_broker_is_unreachable_stay_in_the_outbox_and_are_delivered_once_it_is_reachable()
    {
        var database = postgres.NewDatabase();
        var account = Guid.NewGuid();
        var events = Enumerable.Range(1, 5).Select(i => LedgerEvent.Create(account, i)).ToArray();

        // Dead port: nothing listens where the service believes the broker is.
        await using (var offline = await LedgerHost.StartAsync(LedgerSettings.Postgres(TestKafka.DeadBootstrapServers(), database, "offline"), output))
        {
            var clock = Stopwatch.StartNew();
            foreach (var @event in events)
            {
                await offline.PublishAsync(@event);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"state changes took {clock.Elapsed} without a broker");

            var kafka = await Eventually.GetAsync(() => KafkaHealthAsync(offline.Management),
                h => h.Details.TryGetProperty("outboxBacklog", out var backlog) && backlog.GetInt64() == 5 && h.Status == "UNKNOWN",
                "the kafka component to report UNKNOWN with a backlog of 5", TestKafka.Bounded);
            Assert.Equal(HttpStatusCode.OK, kafka.Code);
            Assert.Contains("broker unreachable", kafka.Details.GetProperty("reason").GetString(), StringComparison.Ordinal);
            // The client's own complaint is there for the operator, with the client that made it.
            var clientError = await Eventually.GetAsync(() => KafkaHealthAsync(offline.Management),
                h => h.Details.TryGetProperty("lastClientError", out _), "the kafka component to report the client's last error", TestKafka.Bounded);
            Assert.Matches("^(producer|consumer|admin): .+", clientError.Details.GetProperty("lastClientError").GetString());
            Assert.True(DateTimeOffset.TryParse(clientError.Details.GetProperty("lastClientErrorAt").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
            // A broker outage must not take the instance out of traffic.
            Assert.Equal(HttpStatusCode.OK, (await offline.Client.GetAsync("/actuator/health/readiness")).StatusCode);
            Assert.All(await offline.OutboxAsync(), row => Assert.Null(row.SentAt));

            clock.Restart();
            await offline.StopAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopping without a broker took {clock.Elapsed}");
        }

        // The broker is back (the service restarts pointing at it): every event goes out, once, in order.
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var online = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, database, "online"), output);
        var ledger = await Eventually.GetAsync(online.LedgerAsync, l => l.Count >= 5, "the five events to be handled", TestKafka.Bounded);
        Assert.Equal(events.Select(e => e.EventId), ledger.Select(l => l.EventId));
        await Eventually.GetAsync(online.OutboxAsync, o => o.All(row => row.SentAt is not null), "every outbox row marked sent", TestKafka.Bounded);
        var healthy = await Eventually.GetAsync(() => KafkaHealthAsync(online.Management), h => h.Status == "UP" && h.Details.GetProperty("outboxBacklog").GetInt64() == 0, "kafka UP", TestKafka.Bounded);
        Assert.Equal(1, healthy.Details.GetProperty("brokers").GetInt32());
        Assert.True(healthy.Details.GetProperty("consumerRunning").GetBoolean());
    }

    [Fact]
    public async Task Events_committed_while_the_broker_process_is_frozen_are_delivered_in_order_after_it_resumes()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);
        var account = Guid.NewGuid();
        await host.PublishAsync(LedgerEvent.Create(account, 0));
        await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 1, "the first event", TestKafka.Bounded);

        TestKafka.Signal(broker.Process.Pid, stop: true);
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                await host.PublishAsync(LedgerEvent.Create(account, i));
            }
            // Past the relay's publish timeout (5 s): deliveries failed, rows went back to the outbox.
            var outage = await Eventually.GetAsync(() => KafkaHealthAsync(host.Management),
                h => h.Status == "UNKNOWN" && h.Details.TryGetProperty("lastPublishError", out _), "the relay to report failed publishing", TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, outage.Code);
        }
        finally
        {
            TestKafka.Signal(broker.Process.Pid, stop: false);
        }

        var ledger = await Eventually.GetAsync(host.LedgerAsync, l => l.Count >= 6, "all six events", TestKafka.Bounded);
        await Task.Delay(TimeSpan.FromSeconds(1));
        ledger = await host.LedgerAsync();
        Assert.Equal(Enumerable.Range(0, 6), ledger.Select(l => l.Sequence));
        await Eventually.GetAsync(() => KafkaHealthAsync(host.Management), h => h.Status == "UP", "kafka UP again", TestKafka.Bounded);
    }

    private static async Task ChangeStateAsync(LedgerHost host, LedgerEvent @event, bool failBeforeCommit)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IEventOutbox>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Accounts.Add(new Account { Id = @event.AccountId, Entries = 1 });
        outbox.Add(@event);
        await db.SaveChangesAsync();
        if (failBeforeCommit)
        {
            throw new InvalidOperationException("crash after the state change, before the commit");
        }
        await transaction.CommitAsync();
    }

    internal static async Task<(HttpStatusCode Code, string Status, JsonElement Details)> KafkaHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/actuator/health/kafka");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("status").GetString()!, body.TryGetProperty("details", out var details) ? details.Clone() : default);
    }
}
