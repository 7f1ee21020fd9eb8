using System.Text.Json;
using System.Text.Json.Nodes;

namespace EStore.Gateway.Aggregation;

/// <summary>What the gateway reads of order-service's order document, without binding to its whole shape.</summary>
internal static class OrderJson
{
    /// <summary>The checkout the order belongs to, when the document names one (<c>checkoutId</c>).</summary>
    public static Guid? CheckoutId(JsonObject order) =>
        order["checkoutId"] is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;

    /// <summary>Every distinct <c>productId</c> anywhere in the document (its lines, however nested), in order.</summary>
    public static IEnumerable<Guid> ProductIds(JsonNode order)
    {
        var seen = new HashSet<Guid>();
        var pending = new Stack<JsonNode>([order]);
        var found = new List<Guid>();
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj.Reverse())
                    {
                        if (name == "productId" && child is JsonValue value && value.GetValueKind() == JsonValueKind.String
                            && Guid.TryParse(value.GetValue<string>(), out var id))
                        {
                            if (seen.Add(id))
                            {
                                found.Add(id);
                            }
                        }
                        else if (child is not null)
                        {
                            pending.Push(child);
                        }
                    }
                    break;
                case JsonArray array:
                    for (var i = array.Count - 1; i >= 0; i--)
                    {
                        if (array[i] is { } item)
                        {
                            pending.Push(item);
                        }
                    }
                    break;
            }
        }
        return found;
    }
}
