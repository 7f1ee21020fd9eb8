using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EStore.PaymentSandbox;

// Stripe's API objects, with the members Stripe.net reads for the calls the sandbox serves. They are mutable (a
// PaymentIntent settles, a charge is refunded) and change only under SandboxLedger's lock, which also takes their
// JSON snapshots (StripeReply.ToNode). Members marked [SandboxOnly] are kept in the state file but never shown.

/// <summary>A member the sandbox keeps (in its state file too) but Stripe's answers and events never carry.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SandboxOnlyAttribute : Attribute;

internal abstract class StripeObject(string id, string objectName, long created)
{
    [JsonPropertyOrder(-4)]
    public string Id { get; } = id;

    [JsonPropertyOrder(-3)]
    public string Object { get; } = objectName;

    [JsonPropertyOrder(-2)]
    public long Created { get; } = created;

    [JsonPropertyOrder(-1)]
    public bool Livemode => false;

    public Dictionary<string, string> Metadata { get; set; } = [];
}

internal sealed class Customer(string id, long created) : StripeObject(id, "customer", created)
{
    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public InvoiceSettings InvoiceSettings { get; } = new();
}

internal sealed record InvoiceSettings(string? DefaultPaymentMethod = null);

internal sealed record Card(string Brand, string Last4, long ExpMonth, long ExpYear, string Fingerprint, string Funding = "credit", string Country = "US")
{
    public string DisplayBrand => Brand;

    public CardChecks Checks { get; } = new();
}

internal sealed record CardChecks(string? AddressLine1Check = null, string? AddressPostalCodeCheck = null, string CvcCheck = "pass");

internal sealed record BillingDetails(string? Email = null, string? Name = null, string? Phone = null);

internal sealed class PaymentMethod(string id, long created, Card card, CardOutcome outcome) : StripeObject(id, "payment_method", created)
{
    public string Type => "card";

    public Card Card { get; } = card;

    public BillingDetails BillingDetails { get; set; } = new();

    public string? Customer { get; set; }

    /// <summary>What charging it does; kept instead of the number.</summary>
    [SandboxOnly]
    public CardOutcome Outcome { get; } = outcome;

    /// <summary>Used once without a customer: Stripe refuses to use it again.</summary>
    [SandboxOnly]
    public bool Consumed { get; set; }
}

internal sealed class PaymentIntent(string id, long created) : StripeObject(id, "payment_intent", created)
{
    public long Amount { get; set; }

    public long AmountCapturable => 0;

    public long AmountReceived { get; set; }

    public string Currency { get; set; } = "";

    public string? Customer { get; set; }

    public string? PaymentMethod { get; set; }

    public string[] PaymentMethodTypes { get; } = ["card"];

    public string Status { get; set; } = "requires_payment_method";

    public string? LatestCharge { get; set; }

    public string? Description { get; set; }

    public string CaptureMethod => "automatic";

    public string ConfirmationMethod => "automatic";

    public string ClientSecret => $"{Id}_secret_{Id[3..]}";

    public JsonNode? LastPaymentError { get; set; }

    public long? CanceledAt => null;

    /// <summary>The API version of the request that made it, for the events about it.</summary>
    [SandboxOnly]
    public string ApiVersion { get; set; } = "";

    [SandboxOnly]
    public string? IdempotencyKey { get; set; }
}

internal sealed record ChargeOutcome(string Type, string NetworkStatus, string? Reason, string SellerMessage, string RiskLevel = "normal");

internal sealed record PaymentMethodDetails(Card Card)
{
    public string Type => "card";
}

internal sealed class Charge(string id, long created) : StripeObject(id, "charge", created)
{
    public long Amount { get; set; }

    public long AmountCaptured { get; set; }

    public long AmountRefunded { get; set; }

    public bool Captured { get; set; }

    public bool Paid { get; set; }

    public bool Refunded { get; set; }

    public string Currency { get; set; } = "";

    public string? Customer { get; set; }

    public string? Description { get; set; }

    public string PaymentIntent { get; set; } = "";

    public string? PaymentMethod { get; set; }

    public PaymentMethodDetails? PaymentMethodDetails { get; set; }

    public string Status { get; set; } = "pending";

    public string? FailureCode { get; set; }

    public string? FailureMessage { get; set; }

    public ChargeOutcome? Outcome { get; set; }

    public string? BalanceTransaction => null;

    [SandboxOnly]
    public string? IdempotencyKey { get; set; }
}

internal sealed class Refund(string id, long created) : StripeObject(id, "refund", created)
{
    public long Amount { get; set; }

    public string Charge { get; set; } = "";

    public string Currency { get; set; } = "";

    public string PaymentIntent { get; set; } = "";

    public string? Reason { get; set; }

    public string Status => "succeeded";
}

/// <summary>A list answer: <c>list</c> or <c>search_result</c>.</summary>
internal sealed record StripeList(string Object, string Url, IReadOnlyList<JsonNode> Data, bool HasMore)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NextPage => null;
}

/// <summary>One row of <c>GET /sandbox/charges</c>: what a test or a person needs to count charges.</summary>
internal sealed record InFlightRow(string? OrderId, string? IdempotencyKey, long Amount, string Currency);

internal sealed record ChargeRow(
    string Id, string PaymentIntent, long Amount, long AmountRefunded, string Currency, string Status, string? OrderId, string? IdempotencyKey, long Created);
