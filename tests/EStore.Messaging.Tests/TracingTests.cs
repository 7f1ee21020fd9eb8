using System.Collections.Concurrent;
using System.Diagnostics;
using EStore.Contracts;
using EStore.Messaging.Tests.Infrastructure;
using EStore.Platform.Observability;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests;

/// <summary>An operator follows one request's event across Kafka in one trace.</summary>
public sealed class TracingTests(TestPostgres postgres, ITestOutputHelper output) : IClassFixture<TestPostgres>
{
    private static readonly ActivitySource Requests = new("EStore.Tests.Requests");

    [Fact]
    public async Task Event_published_during_a_request_is_produced_and_consumed_in_the_request_trace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessagingTracing.SourceName || source == Requests,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var broker = await TestKafka.StartBrokerAsync(output);
        await using var host = await LedgerHost.StartAsync(LedgerSettings.Postgres(broker.BootstrapServers, postgres.NewDatabase(), "a"), output);

        ActivityContext request;
        using (var activity = Requests.StartActivity("POST /api/orders/checkout", ActivityKind.Server)!)
        {
            request = activity.Context;
            await host.PublishAsync(PublishAndHandleTests.NewOrder());
        }

        await Eventually.GetAsync(host.LedgerAsync, l => l.Count == 1, "the handler's ledger row", TestKafka.Bounded);
        var spans = await Eventually.GetAsync(
            () => Task.FromResult(stopped.Where(a => a.TraceId == request.TraceId).ToList()),
            s => s.Any(a => a.Kind == ActivityKind.Consumer), "the consumer span", TestKafka.Bounded);
        var producer = Assert.Single(spans, a => a.Kind == ActivityKind.Producer);
        var consumer = Assert.Single(spans, a => a.Kind == ActivityKind.Consumer);
        Assert.Equal(request.SpanId, producer.ParentSpanId);
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        Assert.Equal($"send {Topics.Order}", producer.DisplayName);
        Assert.Equal($"process {Topics.Order}", consumer.DisplayName);
    }
}
