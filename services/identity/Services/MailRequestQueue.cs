using System.Threading.Channels;
using EStore.Identity.Data;

namespace EStore.Identity.Services;

/// <summary>A verification or reset mail someone asked for: the address (normalised) and what for.</summary>
public sealed record MailRequest(string NormalizedEmail, OneTimeTokenPurpose Purpose);

/// <summary>
/// Takes forgot-password, resend-verification and duplicate-registration work off the request path: the endpoint
/// only queues the address and answers, so a known and an unknown address cost the same on the request path.
/// Bounded (<c>Identity:Mail:QueueCapacity</c>); <see cref="MailRequestWorker"/> drains it and, on a graceful
/// stop, finishes what is queued. A process crash loses what is still queued (the client sees the same 202 and
/// can ask again); a full queue drops the request and logs it (a flood, answered like any other request).
/// </summary>
public sealed partial class MailRequestQueue(IdentitySettings settings, ILogger<MailRequestQueue> logger)
{
    private readonly Channel<MailRequest> _channel = Channel.CreateBounded<MailRequest>(new BoundedChannelOptions(settings.MailQueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private int _pending;

    /// <summary>Requests queued or being processed (tests wait for zero).</summary>
    public int Pending => Volatile.Read(ref _pending);

    internal ChannelReader<MailRequest> Reader => _channel.Reader;

    /// <summary>Queues without waiting; false (and logged) when the queue is full or closed.</summary>
    public bool TryEnqueue(MailRequest request)
    {
        Interlocked.Increment(ref _pending);
        if (_channel.Writer.TryWrite(request))
        {
            return true;
        }
        Interlocked.Decrement(ref _pending);
        LogDropped(request.Purpose);
        return false;
    }

    internal void Done() => Interlocked.Decrement(ref _pending);

    internal void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Purpose} mail request dropped: the queue is full or the service is stopping")]
    private partial void LogDropped(OneTimeTokenPurpose purpose);
}

/// <summary>Drains <see cref="MailRequestQueue"/>: one scope and <see cref="AccountService.ProcessMailRequestAsync"/> per request.</summary>
public sealed partial class MailRequestWorker(MailRequestQueue queue, IServiceScopeFactory scopes, ILogger<MailRequestWorker> logger) : BackgroundService
{
    private const int Attempts = 3;
    private readonly CancellationTokenSource _drain = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: at shutdown the queue is completed and what is in it still goes out (bounded by StopAsync).
        await foreach (var request in queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await ProcessAsync(request, _drain.Token);
            }
            finally
            {
                queue.Done();
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await using var registration = cancellationToken.Register(_drain.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
    }

    private async Task ProcessAsync(MailRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AccountService>().ProcessMailRequestAsync(request, cancellationToken);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt < Attempts)
            {
                LogRetry(ex, request.Purpose, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (Exception ex)
            {
                LogFailed(ex, request.Purpose);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Purpose} mail request failed (attempt {Attempt}); retrying")]
    private partial void LogRetry(Exception exception, OneTimeTokenPurpose purpose, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Purpose} mail request given up")]
    private partial void LogFailed(Exception exception, OneTimeTokenPurpose purpose);
}
