using System.Text.Json.Nodes;

namespace EStore.Gateway.Aggregation;

/// <summary>What the gateway reads of order-service's order document, without binding to its whole shape.</summary>
internal static class OrderJson
{
    /// <summary>The checkout the order belongs to, when the document names one (<c>checkoutId</c>).</summary>
    public static Guid? CheckoutId(JsonObject order) =>
        order["checkoutId"] is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;

    /// <summary>The distinct <c>productId</c> of the order's <c>lines</c>, in line order.</summary>
    public static IEnumerable<Guid> ProductIds(JsonObject order) =>
        (order["lines"] as JsonArray ?? [])
            .Select(line => line?["productId"] is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : (Guid?)null)
            .OfType<Guid>()
            .Distinct();
}
