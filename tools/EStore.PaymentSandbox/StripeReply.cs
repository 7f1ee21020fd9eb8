using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace EStore.PaymentSandbox;

/// <summary>One answer of the API: its status and Stripe's JSON body, kept whole so an idempotent replay repeats it.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON body.</param>
internal sealed record StripeReply(int Status, JsonNode Body)
{
    /// <summary>Stripe's JSON: snake_case names, nulls written out.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { HideSandboxOnly } },
    };

    // [SandboxOnly] members (a card's outcome, a request's key) stay out of every answer and event.
    private static void HideSandboxOnly(JsonTypeInfo type)
    {
        foreach (var property in type.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(SandboxOnlyAttribute), inherit: false) == true).ToList())
        {
            type.Properties.Remove(property);
        }
    }

    /// <summary>200 with an object.</summary>
    public static StripeReply Ok(object value) => new(200, ToNode(value));

    /// <summary>An object as Stripe's JSON, at this moment (later changes to it do not reach the node).</summary>
    public static JsonNode ToNode(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), Json)!;

    /// <summary>400 <c>invalid_request_error</c>.</summary>
    public static StripeReply Invalid(string message, string? param = null, string? code = null) =>
        Error(400, new StripeError("invalid_request_error", message, code, Param: param));

    /// <summary>400 <c>parameter_missing</c>.</summary>
    public static StripeReply Missing(string param) =>
        Invalid($"Missing required param: {param}.", param, "parameter_missing");

    /// <summary>400 <c>parameter_unknown</c>.</summary>
    public static StripeReply Unknown(string param) =>
        Invalid($"Received unknown parameter: {param}", param, "parameter_unknown");

    /// <summary>404 <c>resource_missing</c>.</summary>
    public static StripeReply NoSuch(string kind, string id, string param = "id") =>
        Error(404, new StripeError("invalid_request_error", $"No such {kind}: '{id}'", "resource_missing", Param: param));

    /// <summary>An error answer in Stripe's shape <c>{"error": {...}}</c>.</summary>
    public static StripeReply Error(int status, StripeError error) => new(status, new JsonObject { ["error"] = ToNode(error) });
}

/// <summary>Stripe's error object; absent members are left out, as Stripe does.</summary>
internal sealed record StripeError(
    string Type,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? PaymentIntent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Charge = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DocUrl = null);
