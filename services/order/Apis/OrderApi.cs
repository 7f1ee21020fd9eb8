using System.Text;
using EStore.Order.Dtos;
using EStore.Order.Services;
using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EStore.Order.Apis;

/// <summary>
/// <c>/api/orders</c>: checkout and buy-now (with an <c>Idempotency-Key</c>), the customer's orders, the shop owners'
/// orders of their shops with shipping and delivery, and the administrators' list. Every endpoint needs a token; what is
/// not the caller's answers 404.
/// </summary>
public static class OrderApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapOrderApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/orders").WithTags("Order")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapPost("/checkout", async (CurrentUser caller, [FromHeader(Name = IdempotencyHeader)] string? key, CheckoutRequest request,
            int? waitSeconds, CheckoutService checkouts, CancellationToken ct) =>
            Answer(await checkouts.CheckoutAsync(caller, key, request, waitSeconds ?? 0, ct)));
        group.MapPost("", async (CurrentUser caller, [FromHeader(Name = IdempotencyHeader)] string? key, BuyNowRequest request,
            int? waitSeconds, CheckoutService checkouts, CancellationToken ct) =>
            Answer(await checkouts.BuyNowAsync(caller, key, request, waitSeconds ?? 0, ct)));
        group.MapGet("/checkouts/{id:guid}", async (Guid id, CurrentUser caller, OrderViews views, CancellationToken ct) =>
            (await views.CheckoutAsync(id, caller, ct)).ToOk());

        group.MapGet("", async (CurrentUser caller, string? status, DateTimeOffset? from, DateTimeOffset? to, PageQuery page, OrderViews views,
            CancellationToken ct) => (await views.MineAsync(caller, new(status, null, null, null, from, to), page, ct)).ToOk());
        group.MapGet("/{id:guid}", async (Guid id, CurrentUser caller, OrderViews views, CancellationToken ct) =>
            (await views.GetAsync(id, caller, ct)).ToOk());

        // Before shipping: cancel (the customer, the shop's owner with a reason, an admin), cancel a line, change the
        // address (the customer); re-order into a cart (the customer).
        group.MapPost("/{id:guid}/cancel", async (Guid id, CurrentUser caller, CancelRequest? request, OrderActions actions, CancellationToken ct) =>
            (await actions.CancelAsync(id, caller, request ?? new(null), ct)).ToOk());
        group.MapPost("/{id:guid}/lines/{lineId:guid}/cancel", async (Guid id, Guid lineId, CurrentUser caller, CancelRequest? request,
            OrderActions actions, CancellationToken ct) => (await actions.CancelLineAsync(id, lineId, caller, request ?? new(null), ct)).ToOk());
        group.MapPut("/{id:guid}/shipping-address", async (Guid id, CurrentUser caller, ShippingAddressRequest request, OrderActions actions,
            CancellationToken ct) => (await actions.ChangeAddressAsync(id, caller, request, ct)).ToOk());
        group.MapPost("/{id:guid}/reorder", async (Guid id, CurrentUser caller, ReorderRequest? request, OrderActions actions, CancellationToken ct) =>
            (await actions.ReorderAsync(id, caller, request ?? new(null), ct)).ToOk());

        // Shop owners: the orders of their own shops, each with its own lines only (an order is one shop's part).
        group.MapGet("/shop", async (CurrentUser caller, Guid? shopId, string? status, DateTimeOffset? from, DateTimeOffset? to, PageQuery page,
            OrderViews views, CancellationToken ct) => (await views.ShopsAsync(caller, new(status, null, shopId, null, from, to), page, ct)).ToOk());
        group.MapPost("/{id:guid}/ship", async (Guid id, CurrentUser caller, ShipRequest request, OrderViews views, CancellationToken ct) =>
            (await views.ShipAsync(id, caller, request, ct)).ToOk());
        group.MapPost("/{id:guid}/deliver", async (Guid id, CurrentUser caller, OrderViews views, CancellationToken ct) =>
            (await views.DeliverAsync(id, caller, ct)).ToOk());

        group.MapGet("/shop/export", async (Guid? shopId, string? status, DateTimeOffset? from, DateTimeOffset? to, string? sort, OrderReports reports,
            CancellationToken ct) => Csv(await reports.ShopCsvAsync(new(status, null, shopId, null, from, to, Sort: sort), ct), "shop-orders"));

        // Administrators: every order (the gateway's orders-admin route needs the admin role too).
        var admin = group.MapGroup("/admin").RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapGet("", async ([AsParameters] AdminQuery query, PageQuery page, OrderViews views, CancellationToken ct) =>
            (await views.AllAsync(query.ToFilter(), page, ct)).ToOk());
        admin.MapGet("/export", async ([AsParameters] AdminQuery query, OrderReports reports, CancellationToken ct) =>
            Csv(await reports.AdminCsvAsync(query.ToFilter(), ct), "orders"));
        admin.MapGet("/summary", async (DateTimeOffset? from, DateTimeOffset? to, OrderReports reports, CancellationToken ct) =>
            (await reports.SummaryAsync(from, to, ct)).ToOk());

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }

    private static Results<FileContentHttpResult, ProblemResult> Csv(Result<string> csv, string name) =>
        csv.ToHttpResult(text => TypedResults.File(Encoding.UTF8.GetBytes(text), OrderReports.CsvContentType, $"{name}.csv"));

    /// <summary>The admin list's and export's query: filters, total range and sort.</summary>
    public sealed record AdminQuery(string? Status, string? PaymentStatus, Guid? ShopId, Guid? UserId, DateTimeOffset? From, DateTimeOffset? To,
        decimal? MinTotal, decimal? MaxTotal, string? Sort)
    {
        public OrderFilter ToFilter() => new(Status, PaymentStatus, ShopId, UserId, From, To, MinTotal, MaxTotal, Sort);
    }

    private static Results<Accepted<CheckoutView>, Ok<CheckoutView>, ProblemResult> Answer(CheckoutAnswer answer) => answer switch
    {
        { Error: { } error } => error.ToProblem(),
        { StatusCode: StatusCodes.Status200OK } => TypedResults.Ok(answer.Checkout),
        _ => TypedResults.Accepted($"/api/orders/checkouts/{answer.Checkout!.Id}", answer.Checkout),
    };
}
