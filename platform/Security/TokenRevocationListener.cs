using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EStore.Platform.Security;

/// <summary>
/// Fills the <see cref="ITokenRevocationList"/> from <c>TokenRevoked</c> events on <c>identity.events</c>.
/// Unlike the service's own consumer (one group per app, so each event reaches ONE instance), every
/// instance must learn every revocation: this reader uses a consumer group of its own per process,
/// starts at the beginning of the topic and commits nothing. Revocations of tokens that have already
/// expired are skipped, so a restart replays only what still matters.
/// </summary>
internal sealed partial class TokenRevocationListener(
    KafkaConnection kafka,
    ITokenRevocationList revocations,
    JwtSettings settings,
    ServiceIdentity identity,
    TimeProvider time,
    ILogger<TokenRevocationListener> logger) : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromSeconds(30);
    private static readonly string RevokedEventName = EventTypeRegistry.Default.Get<TokenRevoked>().Name;

    // Called from the consuming thread and from librdkafka's: the throttle is thread-safe and counts what it holds back.
    private readonly LogThrottle _errorLog = new(time, ErrorLogInterval);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Consume blocks inside librdkafka: a dedicated thread keeps it off the thread pool.
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
            }
            catch (Exception ex)
            {
                // An exception escaping this thread would end the process; without the listener the
                // service still validates tokens, only revocations stop arriving, which the log says loudly.
                LogCrashed(ex);
            }
            finally
            {
                finished.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "token-revocations",
        };
        thread.Start();
        return finished.Task;
    }

    private void Run(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(kafka.ClientProperties, StringComparer.Ordinal))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"{identity.AppName}.revocations.{Guid.NewGuid():N}",
            ClientId = $"{identity.AppName}-revocations",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // Revocations must arrive within a second: do not let the broker hold fetches for long.
            FetchWaitMaxMs = 100,
            // identity.events may not exist yet when this process starts: notice it within a second or two.
            TopicMetadataRefreshIntervalMs = 1000,
            LogConnectionClose = false,
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetErrorHandler((_, error) => OnError(error.Reason))
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning)
                {
                    OnError(message.Message);
                }
            })
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(partitions.Count))
            .Build();
        consumer.Subscribe(Topics.Identity);
        LogStarted(Topics.Identity, config.GroupId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (consumer.Consume(PollTimeout) is { Message: { } message })
                    {
                        Apply(message);
                    }
                }
                catch (ConsumeException ex)
                {
                    OnError(ex.Error.Reason);
                }
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    private void Apply(Message<Ignore, byte[]> message)
    {
        if (message.Headers?.TryGetLastBytes(EventHeaders.EventType, out var typeBytes) != true
            || Encoding.UTF8.GetString(typeBytes) != RevokedEventName
            || message.Value is null)
        {
            return;
        }
        try
        {
            var revoked = (TokenRevoked)EventJson.Deserialize(message.Value, typeof(TokenRevoked));
            // The skew keeps the entry as long as validation would still accept the token.
            var until = revoked.ExpiresAt + settings.ClockSkew;
            if (until > time.GetUtcNow())
            {
                revocations.Revoke(revoked.TokenId, until);
                LogRevoked(revoked.TokenId, revoked.UserId);
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidCastException or ArgumentException)
        {
            OnError($"unreadable TokenRevoked event: {ex.Message}");
        }
    }

    private void OnError(string reason)
    {
        if (_errorLog.TryAcquire(out var suppressed))
        {
            LogKafkaProblem(reason, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for token revocations on {Topic} (group {Group})")]
    private partial void LogStarted(string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token revocation listener reads {Partitions} partitions")]
    private partial void LogAssigned(int partitions);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Token {TokenId} of user {UserId} revoked")]
    private partial void LogRevoked(string tokenId, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token revocation listener: {Reason} ({Suppressed} similar messages suppressed)")]
    private partial void LogKafkaProblem(string reason, int suppressed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Token revocation listener stopped: revoked access tokens are accepted here until they expire")]
    private partial void LogCrashed(Exception exception);
}

/// <summary>The Kafka settings the revocation listener needs (<c>Kafka:BootstrapServers</c>, <c>Kafka:Client:*</c>).</summary>
internal sealed record KafkaConnection(string BootstrapServers, IReadOnlyDictionary<string, string> ClientProperties);
