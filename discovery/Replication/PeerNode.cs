using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Replication;

/// <summary>What a peer node reports about itself, for the dashboard and health.</summary>
/// <param name="ServiceUrl">The peer's Eureka URL.</param>
/// <param name="Reachable">Whether the last batch got an HTTP answer; null before the first one.</param>
/// <param name="LastSuccess">When a batch last succeeded.</param>
/// <param name="LastFailure">When a batch last failed.</param>
/// <param name="LastError">Why it last failed.</param>
/// <param name="Pending">Items waiting to be sent.</param>
/// <param name="Replicated">Items the peer acknowledged with a 2xx.</param>
/// <param name="Dropped">Items given up (expired, queue full, or refused).</param>
public sealed record PeerStatus(Uri ServiceUrl, bool? Reachable, DateTimeOffset? LastSuccess, DateTimeOffset? LastFailure, string? LastError, int Pending, long Replicated, long Dropped);

/// <summary>
/// Replication to one peer: a queue of pending items (a newer item with the same key replaces
/// the pending one), sent in batches of up to <c>MaxBatchSize</c> formed within
/// <c>BatchWindowMilliseconds</c> as one <c>POST {peer}peerreplication/batch/</c>. A 503 or a
/// timeout resends after <c>CongestionRetryDelayMilliseconds</c>, a network error after
/// <c>NetworkFailureRetryDelayMilliseconds</c>; other refusals drop the batch. Items that wait
/// longer than their time to live are dropped (Eureka's task expiry).
/// </summary>
public sealed partial class PeerNode : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Pending> _queue = new();
    private readonly Dictionary<string, LinkedListNode<Pending>> _byKey = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HttpClient _http;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly ReplicationFeedback _feedback;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private bool? _reachable;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;
    private long _replicated;
    private long _dropped;

    internal PeerNode(Uri serviceUrl, HttpClient http, PeerOptions options, TimeProvider time, ReplicationFeedback feedback, ILogger logger)
    {
        ConfiguredUrl = serviceUrl;
        ServiceUrl = EurekaUrlCredentials.WithoutUserInfo(serviceUrl);
        Authorization = EurekaUrlCredentials.GetAuthorization(serviceUrl);
        _http = http;
        _options = options;
        _time = time;
        _feedback = feedback;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>
    /// The peer's Eureka URL without credentials, ending with a slash (for example
    /// <c>http://discovery-2:8761/eureka/</c>); safe to show.
    /// </summary>
    public Uri ServiceUrl { get; }

    /// <summary>The URL as configured, userinfo included (compared on configuration reload).</summary>
    internal Uri ConfiguredUrl { get; }

    /// <summary>The Basic credential from the configured URL's userinfo (peers replicate as <c>discovery</c>), if any.</summary>
    internal AuthenticationHeaderValue? Authorization { get; }

    /// <summary>Queues an item; it is dropped if not sent within <paramref name="timeToLive"/>.</summary>
    public void Enqueue(ReplicationItem item, TimeSpan timeToLive)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_byKey.Remove(item.Key, out var superseded))
            {
                // Move to the end: a later Register must not overtake a Cancel queued in between.
                _queue.Remove(superseded);
            }
            else if (_queue.Count >= Math.Max(1, _options.MaxQueueSize))
            {
                _dropped++;
                return;
            }
            _byKey[item.Key] = _queue.AddLast(new Pending(item, now, now + timeToLive));
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>The node's current state.</summary>
    public PeerStatus Status()
    {
        lock (_gate)
        {
            return new PeerStatus(ServiceUrl, _reachable, _lastSuccess, _lastFailure, _lastError, _queue.Count, _replicated, _dropped);
        }
    }

    /// <summary>Stops the sending loop; pending items are dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped while sending.
        }
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken))
            {
                _wake.Reader.TryRead(out _);
                while (await WaitForBatchAsync(stoppingToken) is { Count: > 0 } batch)
                {
                    var delay = await SendAsync(batch, stoppingToken);
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _time, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Node removed or host stopping.
        }
    }

    /// <summary>Waits until the oldest item is a batch window old (or a full batch waits), then takes a batch.</summary>
    private async Task<List<Pending>?> WaitForBatchAsync(CancellationToken stoppingToken)
    {
        var window = TimeSpan.FromMilliseconds(Math.Max(0, _options.BatchWindowMilliseconds));
        var maxBatch = Math.Max(1, _options.MaxBatchSize);
        TimeSpan wait;
        lock (_gate)
        {
            if (_queue.First is not { } oldest)
            {
                return null;
            }
            wait = _queue.Count >= maxBatch ? TimeSpan.Zero : oldest.Value.EnqueuedAt + window - _time.GetUtcNow();
        }
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, stoppingToken);
        }
        var now = _time.GetUtcNow();
        var batch = new List<Pending>(maxBatch);
        lock (_gate)
        {
            while (batch.Count < maxBatch && _queue.First is { } first)
            {
                _queue.RemoveFirst();
                _byKey.Remove(first.Value.Item.Key);
                if (first.Value.ExpiresAt < now)
                {
                    _dropped++;
                    continue;
                }
                batch.Add(first.Value);
            }
        }
        return batch;
    }

    /// <summary>Sends one batch; returns how long to wait before the next one.</summary>
    private async Task<TimeSpan> SendAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        var body = ReplicationJson.WriteRequest(batch.Select(p => p.Item));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ServiceUrl, "peerreplication/batch/"))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Authorization = Authorization;
            using var response = await _http.SendAsync(request, stoppingToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return Failed(batch, "peer overloaded (503)", requeue: true, _options.CongestionRetryDelayMilliseconds, reachable: true);
            }
            if (!response.IsSuccessStatusCode)
            {
                return Failed(batch, $"peer answered {(int)response.StatusCode}", requeue: false, 0, reachable: true);
            }
            await using var stream = await response.Content.ReadAsStreamAsync(stoppingToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: stoppingToken);
            var results = ReplicationJson.ReadResponse(document.RootElement);
            Succeeded(batch.Count);
            // Matched by position: a response of another length cannot be matched at all.
            if (results.Count == batch.Count)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    _feedback.Handle(this, batch[i].Item, results[i]);
                }
            }
            else
            {
                LogResponseCountMismatch(ServiceUrl, batch.Count, results.Count);
            }
            return TimeSpan.Zero;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // HttpClient's timeout: treated like congestion, as Eureka treats a read timeout.
            return Failed(batch, "timed out", requeue: true, _options.CongestionRetryDelayMilliseconds, reachable: false);
        }
        catch (HttpRequestException ex)
        {
            return Failed(batch, ex.Message, requeue: true, _options.NetworkFailureRetryDelayMilliseconds, reachable: false);
        }
        catch (JsonException ex)
        {
            return Failed(batch, "unreadable response: " + ex.Message, requeue: false, 0, reachable: true);
        }
    }

    private void Succeeded(int count)
    {
        bool recovered;
        lock (_gate)
        {
            recovered = _reachable == false;
            _reachable = true;
            _lastSuccess = _time.GetUtcNow();
            _lastError = null;
            _replicated += count;
        }
        if (recovered)
        {
            LogReachableAgain(ServiceUrl);
        }
    }

    private TimeSpan Failed(List<Pending> batch, string error, bool requeue, int retryDelayMs, bool reachable)
    {
        bool firstFailure;
        lock (_gate)
        {
            firstFailure = _lastError is null;
            _reachable = reachable;
            _lastFailure = _time.GetUtcNow();
            _lastError = error;
            if (requeue)
            {
                // Back to the front, in order, unless a newer item with the same key arrived meanwhile.
                for (var i = batch.Count - 1; i >= 0; i--)
                {
                    if (!_byKey.ContainsKey(batch[i].Item.Key))
                    {
                        _byKey[batch[i].Item.Key] = _queue.AddFirst(batch[i]);
                    }
                }
            }
            else
            {
                _dropped += batch.Count;
            }
        }
        // Logged once per outage, not on every retry.
        if (firstFailure)
        {
            LogReplicationFailed(ServiceUrl, error);
        }
        return TimeSpan.FromMilliseconds(Math.Max(0, retryDelayMs));
    }

    private sealed record Pending(ReplicationItem Item, DateTimeOffset EnqueuedAt, DateTimeOffset ExpiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication to {Peer} failed: {Error}")]
    private partial void LogReplicationFailed(Uri peer, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication to {Peer} works again")]
    private partial void LogReachableAgain(Uri peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer {Peer} answered {Answered} results to {Sent} items; results ignored")]
    private partial void LogResponseCountMismatch(Uri peer, int sent, int answered);
}
