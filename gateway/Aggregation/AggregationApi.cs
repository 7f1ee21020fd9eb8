using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EStore.Gateway.Routing;
using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EStore.Gateway.Aggregation;

/// <summary>
/// What a checkout page needs, asked of three services at once; <c>Missing</c> names the parts left null (written as
/// null, not left out, so a client can tell "missing" from "empty").
/// </summary>
public sealed record CheckoutAggregate(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Carts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Addresses,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? PaymentMethods,
    IReadOnlyList<MissingPart> Missing);

/// <summary>A product of an order under its current name; <c>Name</c> is null when the product no longer exists.</summary>
public sealed record OrderProduct(Guid Id, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name);

/// <summary>An order with its payments and its products' current names; <c>Missing</c> names the parts left null.</summary>
public sealed record OrderAggregate(
    JsonNode Order,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Payments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<OrderProduct>? Products,
    IReadOnlyList<MissingPart> Missing);

/// <summary>
/// The gateway's own answers under <c>/api/aggregate</c> (the reference design's response aggregation): parts asked
/// of the owning services in parallel, with the caller's token, so each service still decides what the caller may
/// see. A part that fails is null and listed in <c>missing</c> instead of failing the whole answer.
/// </summary>
public static class AggregationApi
{
    public const string Prefix = "/api/aggregate";

    public static WebApplicationBuilder AddGatewayAggregation(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AggregationOptions>(AggregationOptions.Section);
        // The per-part timeout (AggregationOptions.PartTimeoutSeconds) is the short one; this only caps it.
        builder.Services.AddHttpClient(ServiceParts.HttpClientName, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(60);
            http.MaxResponseContentBufferSize = 4 * 1024 * 1024;
        }).AddServiceDiscovery().ForwardCallerToken();
        builder.Services.AddSingleton<ServiceParts>();
        return builder;
    }

    public static WebApplication MapGatewayAggregation(this WebApplication app)
    {
        var group = app.MapGroup(Prefix).WithTags("Aggregation").RequireAuthorization()
            .RequireRateLimiting(GatewayRateLimits.PerUserPolicy);
        group.MapGet("/checkout", CheckoutAsync);
        group.MapGet("/orders/{id:guid}", OrderAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>The caller's carts, addresses and saved payment methods.</summary>
    private static async Task<Ok<CheckoutAggregate>> CheckoutAsync(ServiceParts parts, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(
            parts.GetAsync("carts", "cart-service", "/api/carts", cancellationToken),
            parts.GetAsync("addresses", "address-service", "/api/addresses", cancellationToken),
            parts.GetAsync("paymentMethods", "payment-service", "/api/payment-methods", cancellationToken));
        return TypedResults.Ok(new CheckoutAggregate(answers[0].Body, answers[1].Body, answers[2].Body, Missing(answers)));
    }

    /// <summary>
    /// One order (404 when order-service says so: missing or someone else's), then its checkout's payments and its
    /// products' current names at once.
    /// </summary>
    private static async Task<IResult> OrderAsync(
        Guid id, ServiceParts parts, IOptionsMonitor<AggregationOptions> settings, CancellationToken cancellationToken)
    {
        var order = await parts.GetAsync("order", "order-service", $"/api/orders/{id}", cancellationToken);
        if (order.Status == StatusCodes.Status404NotFound)
        {
            return ProblemResponses.NotFound($"No order {id}.");
        }
        if (order.Body is not JsonObject body)
        {
            return Results.Problem($"order-service could not answer for order {id} ({order.Reason ?? "not an order"}); try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // Payments belong to the checkout (the saga's id), which a shop's order names when it is one of several.
        var paymentsOf = OrderJson.CheckoutId(body) ?? id;
        var payments = parts.GetAsync("payments", "payment-service", $"/api/payments?orderId={paymentsOf}", cancellationToken);
        var productIds = OrderJson.ProductIds(body).Take(settings.CurrentValue.MaxProducts).ToList();
        var products = await Task.WhenAll(productIds.Select(product =>
            parts.GetAsync("products", "product-service", $"/api/products/{product}", cancellationToken)));
        var paymentsAnswer = await payments;

        // A product that is gone has no current name; any other failure leaves the names out altogether.
        var productsFailed = products.FirstOrDefault(p => !p.Found && p.Status != StatusCodes.Status404NotFound);
        IReadOnlyList<OrderProduct>? names = productsFailed is null
            ? productIds.Zip(products, (product, answer) => new OrderProduct(product, answer.Body?["name"]?.GetValue<string>())).ToList()
            : null;
        var missing = Missing([paymentsAnswer, .. productsFailed is null ? Array.Empty<PartAnswer>() : [productsFailed]]);
        return TypedResults.Ok(new OrderAggregate(body, paymentsAnswer.Body, names, missing));
    }

    private static List<MissingPart> Missing(IEnumerable<PartAnswer> answers) =>
        answers.Select(a => a.Missing).OfType<MissingPart>().ToList();
}
