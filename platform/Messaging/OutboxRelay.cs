using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Platform.Hosting;
using EStore.Platform.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Messaging;

/// <summary>
/// Publishes outbox rows: claims a batch (with a lease), produces it through the idempotent
/// producer in id order, marks the acknowledged rows sent and gives failed ones back. While the
/// broker is unreachable it backs off exponentially (with jitter) and logs at most one line per
/// interval; the rows simply wait.
/// </summary>
internal sealed partial class OutboxRelay<TContext> : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan BacklogRefresh = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);
    private const int CleanupBatch = 1000;

    private readonly IServiceScopeFactory _scopes;
    private readonly KafkaClients _kafka;
    private readonly TopicProvisioner _topics;
    private readonly MessagingSettings _settings;
    private readonly MessagingState _state;
    private readonly MessagingMetrics _metrics;
    private readonly MessagingTracing _tracing;
    private readonly OutboxSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogThrottle _errors;
    // Identifies this instance's leases in the table (diagnostics only; correctness rests on lease times).
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private DateTimeOffset _nextBacklog;
    private DateTimeOffset _nextCleanup;

    public OutboxRelay(IServiceScopeFactory scopes, KafkaClients kafka, TopicProvisioner topics, MessagingSettings settings, MessagingState state,
        MessagingMetrics metrics, MessagingTracing tracing, OutboxSignal signal, TimeProvider time, ILogger<OutboxRelay<TContext>> logger)
    {
        _scopes = scopes;
        _kafka = kafka;
        _topics = topics;
        _settings = settings;
        _state = state;
        _metrics = metrics;
        _tracing = tracing;
        _signal = signal;
        _time = time;
        _logger = logger;
        _errors = new LogThrottle(time, settings.ErrorLogInterval);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting; the first claim can wait a moment.
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MaintainAsync(stoppingToken);
                if (failures > 0)
                {
                    // Probe before claiming again, so rows are not parked in the producer's queue for
                    // a whole publish timeout while the broker is still away.
                    await _kafka.GetMetadataAsync(TimeSpan.FromSeconds(5), stoppingToken);
                }
                await _topics.EnsureAsync(stoppingToken);
                var (claimed, error) = await PublishBatchAsync(stoppingToken);
                if (error is not null)
                {
                    throw new KafkaException(new Error(ErrorCode.Local_Fail, error));
                }
                if (failures > 0)
                {
                    LogRecovered(failures);
                    failures = 0;
                }
                if (claimed == 0)
                {
                    await _signal.WaitAsync(_settings.RelayPollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var reason = Describe(ex);
                _state.RecordPublishFailure(reason, _time.GetUtcNow());
                if (_errors.TryAcquire(out var suppressed))
                {
                    LogPublishFailed(reason, failures, _state.OutboxBacklog, suppressed);
                }
                try
                {
                    await Task.Delay(Backoff.Delay(failures, _settings.RelayMinBackoff, _settings.RelayMaxBackoff), _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task<(int Claimed, string? Error)> PublishBatchAsync(CancellationToken stoppingToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = _time.GetUtcNow().UtcDateTime;
        var rows = await OutboxStore.ClaimAsync(db, _owner, now, now + _settings.RelayLease, _settings.RelayBatchSize, stoppingToken);
        if (rows.Count == 0)
        {
            return (0, null);
        }

        var producer = _kafka.Producer;
        var deliveries = new Task<DeliveryResult<byte[]?, byte[]?>>[rows.Count];
        var spans = new Activity?[rows.Count];
        var ambient = Activity.Current;
        for (var i = 0; i < rows.Count; i++)
        {
            var message = ToMessage(rows[i]);
            // The PRODUCER span continues the trace of the request that wrote the row.
            TraceContextHeaders.TryParse(rows[i].TraceParent, null, out var parent);
            spans[i] = _tracing.StartProducer(rows[i].Topic, (name, value) =>
            {
                message.Headers.Remove(name);
                message.Headers.Add(name, value);
            }, parent, rows[i].AggregateKey);
            // Each row's span is its own: the next row must not become its child.
            Activity.Current = ambient;
            // ProduceAsync enqueues synchronously, so the producer sees the rows in id order; the
            // idempotent producer keeps that order within each partition, retries included.
            deliveries[i] = producer.ProduceAsync(rows[i].Topic, message, CancellationToken.None);
        }

        var all = Task.WhenAll(deliveries);
        try
        {
            await all.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: give in-flight deliveries a moment, then record whatever is known.
            await Task.WhenAny(all, Task.Delay(ShutdownGrace, _time));
        }
        catch (Exception)
        {
            // Inspected per row below.
        }

        var sent = new List<long>(rows.Count);
        var failed = new List<long>();
        string? error = null;
        var fatal = false;
        for (var i = 0; i < rows.Count; i++)
        {
            using var span = spans[i];
            if (deliveries[i].IsCompletedSuccessfully)
            {
                sent.Add(rows[i].Id);
                _metrics.Published(rows[i].Topic);
                continue;
            }
            failed.Add(rows[i].Id);
            var exception = deliveries[i].Exception?.GetBaseException();
            MessagingTracing.RecordError(span, exception ?? new TimeoutException("the broker did not acknowledge in time"));
            error ??= exception is null ? "the broker did not acknowledge in time" : Describe(exception);
            fatal |= exception is KafkaException { Error.IsFatal: true };
        }

        // Bookkeeping must survive the shutdown token: the messages are already on the broker.
        if (sent.Count > 0)
        {
            await OutboxStore.MarkSentAsync(db, sent, _time.GetUtcNow().UtcDateTime, CancellationToken.None);
            _state.RecordPublished(_time.GetUtcNow());
        }
        if (failed.Count > 0)
        {
            await OutboxStore.ReleaseAsync(db, failed, error!, CancellationToken.None);
        }
        if (fatal)
        {
            _kafka.ResetProducer(producer);
        }
        return (rows.Count, error);
    }

    private static Message<byte[]?, byte[]?> ToMessage(OutboxMessage row)
    {
        var headers = new Headers
        {
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(row.EventType) },
            { EventHeaders.EventId, Encoding.UTF8.GetBytes(row.EventId.ToString()) },
        };
        if (row.TraceParent is { Length: > 0 } traceParent)
        {
            headers.Add(EventHeaders.TraceParent, Encoding.UTF8.GetBytes(traceParent));
        }
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(row.AggregateKey),
            Value = Encoding.UTF8.GetBytes(row.Payload),
            Headers = headers,
        };
    }

    // Backlog for health and the gauge; retention cleanup of sent rows.
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextBacklog)
        {
            return;
        }
        _nextBacklog = now + BacklogRefresh;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var (count, oldest) = await OutboxStore.BacklogAsync(db, cancellationToken);
        _state.RecordBacklog(count, oldest);
        if (now >= _nextCleanup)
        {
            _nextCleanup = now + CleanupInterval;
            var cutoff = (now - _settings.OutboxRetention).UtcDateTime;
            // Bounded: a huge backlog of old rows is removed over several passes.
            for (var pass = 0; pass < 10 && await OutboxStore.DeleteSentAsync(db, cutoff, CleanupBatch, cancellationToken) == CleanupBatch; pass++)
            {
            }
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        KafkaException kafka => kafka.Error.Reason,
        _ => ex.GetBaseException().Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay cannot publish: {Reason} (attempt {Failures}, backlog {Backlog}; {Suppressed} similar messages suppressed); retrying with backoff")]
    private partial void LogPublishFailed(string reason, int failures, long backlog, int suppressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay publishing again after {Failures} failed attempts")]
    private partial void LogRecovered(int failures);
}
