using System.Diagnostics;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Messaging;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>Stopping a service finishes the handler in hand, commits its offset and leaves the group.</summary>
public sealed class ShutdownTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    [Fact]
    public async Task Graceful_shutdown_finishes_the_in_flight_handler_and_commits_so_a_restart_does_not_see_it_again()
    {
        await using var broker = await TestKafka.StartBrokerAsync(output);
        var settings = LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "first");
        settings["Messaging:Consumer:CommitIntervalMs"] = "600000";
        var slow = LedgerEvent.Create(Guid.NewGuid(), 1, LedgerEvent.Slow);

        var first = await LedgerHost.StartAsync(settings, output);
        await using (first)
        {
            await first.PublishAsync(slow);
            // Stop while the slow handler (2 s) is running.
            await Eventually.GetAsync(() => Task.FromResult(LedgerHandler.SlowStarted.ContainsKey(slow.EventId)), started => started, "the slow handler to start", TestKafka.Bounded);

            var clock = Stopwatch.StartNew();
            await first.StopAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {clock.Elapsed}");
            Assert.Equal([slow.EventId], (await first.LedgerAsync()).Select(e => e.EventId));
        }

        // Its offset was committed on the way out, despite the long commit interval.
        Assert.Equal(1, TestKafka.Committed(broker.BootstrapServers, LedgerApp.AppName, LedgerApp.Topic).Values.Sum());

        settings[LedgerApp.InstanceKey] = "second";
        await using var second = await LedgerHost.StartAsync(settings, output);
        using var metrics = new MetricsCapture(second.Services);
        await second.PublishAsync(LedgerEvent.Create(slow.AccountId, 2));
        await Eventually.GetAsync(second.LedgerAsync, l => l.Count == 2, "the next event", TestKafka.Bounded);
        Assert.Equal(0, metrics.Total(MessagingMeter.Consumed, "outcome=duplicate"));
    }
}
