using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EStore.PaymentSandbox;
using Microsoft.AspNetCore.Builder;

namespace EStore.Testing;

/// <summary>
/// The payment provider of a test: the payment sandbox (tools/EStore.PaymentSandbox, Stripe's API subset) on real
/// Kestrel at 127.0.0.1 in this process, with a fresh API key and webhook secret, and the charges it made
/// (<c>GET /sandbox/charges</c>) so a test can count them at the provider.
/// </summary>
/// <example>
/// <code>
/// await using var provider = await TestPaymentProvider.StartAsync();
/// // payment-service: Payment:Provider:BaseUrl, ApiKey, WebhookSecret
/// foreach (var (key, value) in provider.PaymentServiceSettings) { ... }
/// provider.SendWebhooksTo(new Uri(app.BaseUrl, "api/payments/webhooks/provider"));
/// Assert.Single(await provider.ChargesForOrderAsync(orderId.ToString()));
/// </code>
/// </example>
public sealed class TestPaymentProvider : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private TestPaymentProvider(WebApplication app, Uri baseUrl, string apiKey, string webhookSecret)
    {
        _app = app;
        BaseUrl = baseUrl;
        ApiKey = apiKey;
        WebhookSecret = webhookSecret;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>The sandbox's base URL, e.g. <c>http://127.0.0.1:41234/</c> (Stripe.net's <c>ApiBase</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>This run's secret key (<c>sk_test_...</c>).</summary>
    public string ApiKey { get; }

    /// <summary>The secret its webhooks are signed with (<c>whsec_...</c>).</summary>
    public string WebhookSecret { get; }

    /// <summary>payment-service's settings for this provider: <c>Payment:Provider:BaseUrl</c>, <c>ApiKey</c>, <c>WebhookSecret</c>.</summary>
    public IReadOnlyDictionary<string, string> PaymentServiceSettings => new Dictionary<string, string>
    {
        ["Payment:Provider:BaseUrl"] = BaseUrl.ToString().TrimEnd('/'),
        ["Payment:Provider:ApiKey"] = ApiKey,
        ["Payment:Provider:WebhookSecret"] = WebhookSecret,
    };

    /// <summary>
    /// Starts a sandbox. The delays are short by default so tests of late settlement and timeouts stay quick.
    /// </summary>
    /// <param name="webhookUrl">Where its events go; or later, <see cref="SendWebhooksTo"/>.</param>
    /// <param name="settleDelay">How long 4000000000006975 stays <c>processing</c> (default 500 ms).</param>
    /// <param name="slowDelay">How long 4000000000001000 takes to answer (default 5 s).</param>
    /// <param name="settings">Further <c>Sandbox:*</c> settings, e.g. <c>Sandbox:WebhookRetryDelayMs</c>.</param>
    /// <param name="cancellationToken">Ends the start.</param>
    public static async Task<TestPaymentProvider> StartAsync(Uri? webhookUrl = null, TimeSpan? settleDelay = null, TimeSpan? slowDelay = null,
        IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var apiKey = "sk_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var webhookSecret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var all = new Dictionary<string, string>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Sandbox:ApiKey"] = apiKey,
            ["Sandbox:WebhookSecret"] = webhookSecret,
            ["Sandbox:SettleDelayMs"] = Milliseconds(settleDelay ?? TimeSpan.FromMilliseconds(500)),
            ["Sandbox:SlowDelayMs"] = Milliseconds(slowDelay ?? TimeSpan.FromSeconds(5)),
            ["Sandbox:WebhookRetryDelayMs"] = "200",
        };
        if (webhookUrl is not null)
        {
            all["Sandbox:WebhookUrl"] = webhookUrl.ToString();
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        var app = PaymentSandboxApp.Build([.. all.Select(s => $"--{s.Key}={s.Value}")]);
        try
        {
            var baseUrl = await PaymentSandboxApp.StartAsync(app, cancellationToken);
            return new TestPaymentProvider(app, baseUrl, apiKey, webhookSecret);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the sandbox's events to <paramref name="webhookUrl"/> from now on.</summary>
    public void SendWebhooksTo(Uri webhookUrl) => PaymentSandboxApp.SetWebhookUrl(_app, webhookUrl);

    /// <summary>Every charge the sandbox made, oldest first: failed ones too.</summary>
    public async Task<IReadOnlyList<ProviderCharge>> ChargesAsync(CancellationToken cancellationToken = default)
    {
        var list = await _http.GetFromJsonAsync<ChargeList>("sandbox/charges", Json, cancellationToken);
        return list!.Data;
    }

    /// <summary>The charges whose <c>metadata[order_id]</c> is <paramref name="orderId"/>.</summary>
    public async Task<IReadOnlyList<ProviderCharge>> ChargesForOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        [.. (await ChargesAsync(cancellationToken)).Where(c => c.OrderId == orderId)];

    /// <summary>The slow card's charges the sandbox is working on now for <paramref name="orderId"/> (<c>GET /sandbox/in-flight</c>).</summary>
    public async Task<int> InFlightForOrderAsync(string orderId, CancellationToken cancellationToken = default)
    {
        var list = await _http.GetFromJsonAsync<InFlightList>("sandbox/in-flight", Json, cancellationToken);
        return list!.Data.Count(c => c.OrderId == orderId);
    }

    /// <summary>Stops the sandbox.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static string Milliseconds(TimeSpan delay) => ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private sealed record ChargeList(IReadOnlyList<ProviderCharge> Data);

    private sealed record InFlightCharge(string? OrderId);

    private sealed record InFlightList(IReadOnlyList<InFlightCharge> Data);
}

/// <summary>One charge at the provider (<c>GET /sandbox/charges</c>).</summary>
/// <param name="Id">The charge id, <c>ch_...</c>.</param>
/// <param name="PaymentIntent">Its PaymentIntent, <c>pi_...</c>.</param>
/// <param name="Amount">In minor units.</param>
/// <param name="AmountRefunded">In minor units.</param>
/// <param name="Currency">Lower-case ISO 4217.</param>
/// <param name="Status"><c>succeeded</c>, <c>pending</c> or <c>failed</c>.</param>
/// <param name="OrderId">Its PaymentIntent's <c>metadata[order_id]</c>.</param>
/// <param name="IdempotencyKey">The Idempotency-Key of the request that made it.</param>
/// <param name="Created">Unix seconds.</param>
public sealed record ProviderCharge(string Id, string PaymentIntent, long Amount, long AmountRefunded, string Currency, string Status,
    string? OrderId, string? IdempotencyKey, long Created);
