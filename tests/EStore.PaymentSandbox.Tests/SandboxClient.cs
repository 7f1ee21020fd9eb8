using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>A sandbox of the test's own and Stripe.net pointed at it, with the cards and calls the tests repeat.</summary>
internal sealed class SandboxClient : IAsyncDisposable
{
    public const string Visa = "4242424242424242";

    private SandboxClient(TestPaymentProvider provider, StripeClient stripe)
    {
        Provider = provider;
        Stripe = stripe;
        Customers = new CustomerService(stripe);
        PaymentMethods = new PaymentMethodService(stripe);
        PaymentIntents = new PaymentIntentService(stripe);
        Refunds = new RefundService(stripe);
    }

    public TestPaymentProvider Provider { get; }

    public StripeClient Stripe { get; }

    public CustomerService Customers { get; }

    public PaymentMethodService PaymentMethods { get; }

    public PaymentIntentService PaymentIntents { get; }

    public RefundService Refunds { get; }

    public static async Task<SandboxClient> StartAsync(Uri? webhookUrl = null, TimeSpan? slowDelay = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var provider = await TestPaymentProvider.StartAsync(webhookUrl, settleDelay: TimeSpan.FromMilliseconds(300), slowDelay: slowDelay, settings: settings);
        return new SandboxClient(provider, For(provider, provider.ApiKey));
    }

    /// <summary>Stripe.net against the sandbox with <paramref name="apiKey"/>; no retries, so every call is one request.</summary>
    public static StripeClient For(TestPaymentProvider provider, string apiKey, TimeSpan? timeout = null) =>
        new(apiKey, httpClient: new SystemNetHttpClient(new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = timeout ?? TimeSpan.FromSeconds(30) }, maxNetworkRetries: 0),
            apiBase: provider.BaseUrl.ToString().TrimEnd('/'));

    public Task<PaymentMethod> CardAsync(string number, string cvc = "123") =>
        PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = number, ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3, Cvc = cvc },
        });

    /// <summary>A customer with a saved card, as payment-service keeps one per user.</summary>
    public async Task<(Customer Customer, PaymentMethod Card)> CustomerWithCardAsync(string number)
    {
        var customer = await Customers.CreateAsync(new CustomerCreateOptions { Email = "ada@estore.example", Metadata = new() { ["user_id"] = Guid.NewGuid().ToString() } });
        var card = await CardAsync(number);
        await PaymentMethods.AttachAsync(card.Id, new PaymentMethodAttachOptions { Customer = customer.Id });
        return (customer, card);
    }

    /// <summary>The charge of an order as payment-service makes it: off-session, confirmed at once, under a key.</summary>
    public Task<PaymentIntent> ChargeAsync(string number, string orderId, long amount = 2599, string? idempotencyKey = null) =>
        ChargeAsync(number, orderId, amount, idempotencyKey, PaymentIntents);

    public async Task<PaymentIntent> ChargeAsync(string number, string orderId, long amount, string? idempotencyKey, PaymentIntentService service)
    {
        var (customer, card) = await CustomerWithCardAsync(number);
        return await service.CreateAsync(ChargeOptions(customer.Id, card.Id, orderId, amount), new RequestOptions { IdempotencyKey = idempotencyKey ?? "order-" + orderId });
    }

    public static PaymentIntentCreateOptions ChargeOptions(string customer, string card, string orderId, long amount = 2599) => new()
    {
        Amount = amount,
        Currency = "eur",
        Customer = customer,
        PaymentMethod = card,
        Confirm = true,
        OffSession = true,
        Description = "EStore order " + orderId,
        Metadata = new() { ["order_id"] = orderId },
    };

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
