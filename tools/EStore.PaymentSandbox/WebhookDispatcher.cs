using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace EStore.PaymentSandbox;

/// <summary>
/// Sends Stripe <c>event</c> objects to <see cref="SandboxOptions.WebhookUrl"/>, signed as Stripe signs them
/// (<c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>), and sends an event again
/// with doubling waits while the receiver does not answer 2xx, up to <see cref="SandboxOptions.WebhookMaxAttempts"/>.
/// Each attempt is signed anew with its own timestamp, as Stripe does.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IOptions<SandboxOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private readonly Channel<(string Id, string Type, string Json)> _queue = Channel.CreateUnbounded<(string, string, string)>();
    private volatile Uri? _url = options.Value.WebhookUrl is { } configured ? new Uri(configured) : null;

    /// <summary>Where events go; tests that host the sandbox in-process may point it at a receiver started after it.</summary>
    public Uri? Url
    {
        get => _url;
        set => _url = value;
    }

    /// <summary>Builds an event about <paramref name="data"/> and queues it when a webhook URL is set.</summary>
    public void Publish(string type, JsonNode data, string apiVersion, string? idempotencyKey)
    {
        var id = StripeIds.New("evt");
        var evt = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = apiVersion,
            ["created"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = data },
            ["livemode"] = false,
            ["pending_webhooks"] = Url is null ? 0 : 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = idempotencyKey },
            ["type"] = type,
        };
        if (Url is not null)
        {
            _queue.Writer.TryWrite((id, type, evt.ToJsonString()));
        }
    }

    /// <summary>The <c>Stripe-Signature</c> header of <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static string Sign(string body, long timestamp, string secret)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var evt in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                // One delivery loop per event: a receiver that fails one event does not hold up the next.
                _ = DeliverAsync(evt.Id, evt.Type, evt.Json, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(string id, string type, string json, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var outcome = "";
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Url)
                {
                    Content = new StringContent(json, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(json, time.GetUtcNow().ToUnixTimeSeconds(), settings.WebhookSecret!));
                using var response = await client.SendAsync(request, stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    LogDelivered(logger, id, type, attempt, (int)response.StatusCode);
                    return;
                }
                outcome = $"HTTP {(int)response.StatusCode}";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                outcome = ex.GetType().Name;
            }

            if (attempt >= settings.WebhookMaxAttempts)
            {
                LogGaveUp(logger, id, type, attempt, outcome);
                return;
            }
            var wait = TimeSpan.FromMilliseconds(settings.WebhookRetryDelayMs * Math.Pow(2, attempt - 1));
            LogRetrying(logger, id, type, attempt, outcome, wait.TotalMilliseconds);
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "webhook {EventId} {EventType} delivered on attempt {Attempt} (HTTP {Status})")]
    private static partial void LogDelivered(ILogger logger, string eventId, string eventType, int attempt, int status);

    [LoggerMessage(LogLevel.Warning, "webhook {EventId} {EventType} attempt {Attempt} failed ({Outcome}); next in {WaitMs} ms")]
    private static partial void LogRetrying(ILogger logger, string eventId, string eventType, int attempt, string outcome, double waitMs);

    [LoggerMessage(LogLevel.Error, "webhook {EventId} {EventType} given up after {Attempt} attempts (last: {Outcome})")]
    private static partial void LogGaveUp(ILogger logger, string eventId, string eventType, int attempt, string outcome);
}

/// <summary>Stripe-style ids: a prefix and 24 random letters and digits (<c>pi_3MtwBwLkdIwHu7ix28a3tqPa</c>).</summary>
internal static class StripeIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(string prefix) => $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, 24)}";
}
