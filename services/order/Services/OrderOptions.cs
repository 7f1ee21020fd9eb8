using EStore.Platform.Hosting;

namespace EStore.Order.Services;

/// <summary><c>Orders:*</c>: checkout limits, the saga's timeout and where the services it reads are.</summary>
public sealed class OrderOptions : IValidatedOptions
{
    public const string Section = "Orders";

    /// <summary>A checkout with no outcome (payment or stock failure) after this long is cancelled.</summary>
    public int CheckoutTimeoutMinutes { get; set; } = 15;

    /// <summary>How often an instance looks for timed-out checkouts and expired idempotency keys.</summary>
    public int SweepIntervalSeconds { get; set; } = 30;

    /// <summary>How long an <c>Idempotency-Key</c> answers with its first answer.</summary>
    public int IdempotencyKeyHours { get; set; } = 24;

    /// <summary>Upper bound of <c>?waitSeconds=</c> on a checkout.</summary>
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>Units of one variant in a direct purchase.</summary>
    public int MaxQuantityPerLine { get; set; } = 99;

    /// <summary>Limit of each call to another service, in seconds; after it the checkout answers 503 and stores nothing.</summary>
    public int DependencyTimeoutSeconds { get; set; } = 5;

    /// <summary>Rows of one CSV export at most (the newest first; narrow the filters for older ones).</summary>
    public int MaxExportRows { get; set; } = 10_000;

    /// <summary>Days one admin summary may span.</summary>
    public int MaxSummaryDays { get; set; } = 366;

    public Uri ProductServiceUrl { get; set; } = new("http://product-service/");
    public Uri CartServiceUrl { get; set; } = new("http://cart-service/");
    public Uri AddressServiceUrl { get; set; } = new("http://address-service/");
    public Uri PaymentServiceUrl { get; set; } = new("http://payment-service/");
    public Uri IdentityServiceUrl { get; set; } = new("http://identity-service/");
    public Uri ShopServiceUrl { get; set; } = new("http://shop-service/");

    public void Validate(OptionsCheck check)
    {
        check.Range(CheckoutTimeoutMinutes, 1, 24 * 60);
        check.Range(SweepIntervalSeconds, 1, 3600);
        check.Range(IdempotencyKeyHours, 1, 24 * 7);
        check.Range(MaxWaitSeconds, 0, 120);
        check.Range(MaxQuantityPerLine, 1, 10_000);
        check.Range(DependencyTimeoutSeconds, 1, 60);
        check.Range(MaxExportRows, 1, 1_000_000);
        check.Range(MaxSummaryDays, 1, 3660);
        check.HttpUrl(ProductServiceUrl, "http://product-service/");
        check.HttpUrl(CartServiceUrl, "http://cart-service/");
        check.HttpUrl(AddressServiceUrl, "http://address-service/");
        check.HttpUrl(PaymentServiceUrl, "http://payment-service/");
        check.HttpUrl(IdentityServiceUrl, "http://identity-service/");
        check.HttpUrl(ShopServiceUrl, "http://shop-service/");
    }
}
