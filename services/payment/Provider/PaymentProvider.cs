using Microsoft.Extensions.Options;
using Stripe;

namespace EStore.Payment.Provider;

/// <summary>The card as the provider saw it after tokenising: no number, no CVC.</summary>
public sealed record TokenisedCard(string Token, string Brand, string Last4, int ExpiryMonth, int ExpiryYear, string? Fingerprint);

/// <summary>What a charge came to: <c>succeeded</c>, <c>processing</c> (settles later) or another PaymentIntent status.</summary>
public sealed record ChargeResult(string PaymentIntentId, string Status, string? ChargeId, long AmountReceived);

/// <summary>A refund at the provider: its id, minor units, status, and our refund's id when we asked for it.</summary>
public sealed record ProviderRefund(string Id, long Amount, string Status, Guid? OurRefundId);

/// <summary>A charge request in the provider's terms: minor units, lower-case currency.</summary>
public sealed record ChargeRequest(Guid OrderId, long Amount, string Currency, string Customer, string PaymentMethod, string IdempotencyKey);

/// <summary>
/// The provider's API (Stripe's, or the sandbox's subset) through Stripe.net. One <see cref="StripeClient"/> per use on
/// an <see cref="IHttpClientFactory"/> client (traced like every other client); Stripe.net's own retries are off:
/// the charge worker owns retries, with the same idempotency key, on <see cref="TimeProvider"/>.
/// </summary>
public sealed class PaymentProvider(IHttpClientFactory clients, IOptions<ProviderOptions> options)
{
    /// <summary>The named HttpClient the provider is called through.</summary>
    public const string HttpClientName = "payment-provider";

    private StripeClient Client()
    {
        var settings = options.Value;
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.ApiKey,
            ApiBase = settings.BaseUrl!.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(clients.CreateClient(HttpClientName), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        });
    }

    /// <summary>Creates the user's provider customer; the key makes concurrent first uses create one.</summary>
    public async Task<string> CreateCustomerAsync(Guid userId, string? email, CancellationToken cancellationToken)
    {
        var customer = await new CustomerService(Client()).CreateAsync(new CustomerCreateOptions
        {
            Email = email,
            Metadata = new Dictionary<string, string> { ["user_id"] = userId.ToString() },
        }, new RequestOptions { IdempotencyKey = $"estore-customer-{userId:N}" }, cancellationToken);
        return customer.Id;
    }

    /// <summary>Tokenises a card. The number and CVC go to the provider in the form body and nowhere else.</summary>
    public async Task<TokenisedCard> TokeniseCardAsync(string number, int expiryMonth, int expiryYear, string cvc, CancellationToken cancellationToken)
    {
        var method = await new PaymentMethodService(Client()).CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = number, ExpMonth = expiryMonth, ExpYear = expiryYear, Cvc = cvc },
        }, cancellationToken: cancellationToken);
        var card = method.Card;
        return new TokenisedCard(method.Id, card?.Brand ?? "unknown", card?.Last4 ?? "", (int)(card?.ExpMonth ?? expiryMonth),
            (int)(card?.ExpYear ?? expiryYear), card?.Fingerprint);
    }

    public Task AttachAsync(string token, string customer, CancellationToken cancellationToken) =>
        new PaymentMethodService(Client()).AttachAsync(token, new PaymentMethodAttachOptions { Customer = customer }, cancellationToken: cancellationToken);

    public Task DetachAsync(string token, CancellationToken cancellationToken) =>
        new PaymentMethodService(Client()).DetachAsync(token, cancellationToken: cancellationToken);

    /// <summary>Creates and confirms the PaymentIntent off-session under <see cref="ChargeRequest.IdempotencyKey"/>.</summary>
    public async Task<ChargeResult> ChargeAsync(ChargeRequest charge, CancellationToken cancellationToken)
    {
        var intent = await new PaymentIntentService(Client()).CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = charge.Amount,
            Currency = charge.Currency.ToLowerInvariant(),
            Customer = charge.Customer,
            PaymentMethod = charge.PaymentMethod,
            Confirm = true,
            OffSession = true,
            Description = $"EStore order {charge.OrderId}",
            Metadata = new Dictionary<string, string> { ["order_id"] = charge.OrderId.ToString() },
        }, new RequestOptions { IdempotencyKey = charge.IdempotencyKey }, cancellationToken);
        return ToResult(intent);
    }

    public async Task<ChargeResult> GetPaymentIntentAsync(string id, CancellationToken cancellationToken) =>
        ToResult(await new PaymentIntentService(Client()).GetAsync(id, cancellationToken: cancellationToken));

    /// <summary>The order's PaymentIntent found by its metadata, for a charge whose PaymentIntent id was never stored; null when none.</summary>
    public async Task<ChargeResult?> FindPaymentIntentAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var found = await new PaymentIntentService(Client()).SearchAsync(new PaymentIntentSearchOptions
        {
            Query = $"metadata['order_id']:'{orderId}'",
        }, cancellationToken: cancellationToken);
        // A succeeded one wins over earlier failed tries of the same order.
        var intents = found.Data ?? [];
        var best = intents.FirstOrDefault(i => i.Status == "succeeded") ?? intents.FirstOrDefault();
        return best is null ? null : ToResult(best);
    }

    /// <summary>Gives back <paramref name="amount"/> (minor units) of a PaymentIntent under the refund's own key; returns the refund id.</summary>
    public async Task<string> RefundAsync(string paymentIntentId, long amount, Guid orderId, Guid refundId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var refund = await new RefundService(Client()).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = paymentIntentId,
            Amount = amount,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { ["order_id"] = orderId.ToString(), ["refund_id"] = refundId.ToString() },
        }, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
        return refund.Id;
    }

    /// <summary>The refunds of a charge at the provider, newest first (up to 100: far more than one order is refunded in).</summary>
    public async Task<IReadOnlyList<ProviderRefund>> ListRefundsAsync(string chargeId, CancellationToken cancellationToken)
    {
        var refunds = await new RefundService(Client()).ListAsync(new RefundListOptions { Charge = chargeId, Limit = 100 }, cancellationToken: cancellationToken);
        return [.. (refunds.Data ?? []).Select(r => new ProviderRefund(r.Id, r.Amount, r.Status,
            r.Metadata?.GetValueOrDefault("refund_id") is { } ours && Guid.TryParse(ours, out var id) ? id : null))];
    }

    private static ChargeResult ToResult(PaymentIntent intent) =>
        new(intent.Id, intent.Status, intent.LatestChargeId, intent.AmountReceived);
}
