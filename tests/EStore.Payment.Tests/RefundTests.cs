using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>
/// Refunds after the capture, against the payment sandbox: asked for by an administrator or a shop's owner
/// (<c>POST /api/payments/{id}/refunds</c>), by <c>OrderLineCancelled</c>, and made at the provider itself
/// (<c>charge.refunded</c>). Each is sent or recorded once, and the payment's status follows.
/// </summary>
public sealed class RefundTests(SandboxPaymentStack stack) : IClassFixture<SandboxPaymentStack>
{
    [Fact]
    public async Task An_admin_refunds_part_then_the_rest_each_once_under_its_key_and_the_status_follows()
    {
        var (order, payment) = await CapturedAsync();
        var admin = stack.Admin;

        using var part = await RefundAsync(payment.Id, admin, "part-1", new { amount = 5.00m, reason = "scratched" });
        Assert.Equal(HttpStatusCode.Accepted, part.StatusCode);
        var first = await part.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((5.00m, "pending"), (first.GetProperty("amount").GetDecimal(), first.GetProperty("status").GetString()));
        var refunded = stack.ConsumeEvent<PaymentRefunded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal((first.GetProperty("id").GetGuid(), new Money(5.00m, "EUR"), "scratched"), (refunded.RefundId, refunded.Amount, refunded.Reason));
        await WaitForStatusAsync(order.OrderId, PaymentStatus.PartiallyRefunded);

        using var replay = await RefundAsync(payment.Id, admin, "part-1", new { amount = 5.00m, reason = "scratched" });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(first.GetProperty("id").GetGuid(), (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        using var otherBody = await RefundAsync(payment.Id, admin, "part-1", new { amount = 6.00m, reason = "scratched" });
        await otherBody.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", await otherBody.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var rest = await RefundAsync(payment.Id, admin, "rest-1", new { reason = "returned" });
        Assert.Equal(HttpStatusCode.Accepted, rest.StatusCode);
        Assert.Equal(20.00m, (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amount").GetDecimal());
        var after = await WaitForStatusAsync(order.OrderId, PaymentStatus.Refunded);
        Assert.Equal(25.00m, after.AmountRefunded);
        Assert.Equal(2500, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);
        Assert.Equal(2, await stack.OutboxCountAsync(nameof(PaymentRefunded), order.OrderId));

        using var nothingLeft = await RefundAsync(payment.Id, admin, "more-1", new { amount = 0.50m, reason = "again" });
        await AssertFieldAsync(nothingLeft, "amount");
    }

    [Fact]
    public async Task A_shop_owner_refunds_only_lines_of_their_shop_and_never_more_than_its_share()
    {
        var (order, payment) = await CapturedAsync();
        var (_, owner) = await stack.ShopOwnerAsync(PaymentStack.ShopB);
        var lineOfA = order.Lines.Single(l => l.ShopId == PaymentStack.ShopA).LineId;
        var lineOfB = order.Lines.Single(l => l.ShopId == PaymentStack.ShopB).LineId;

        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-1", new { lineIds = new[] { lineOfA }, reason = "not mine" }), "lineIds");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-2", new { lineIds = new[] { Guid.NewGuid() }, reason = "unknown" }), "lineIds");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-3", new { amount = 5.02m, reason = "over the share" }), "amount");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-4", new { amount = -1m, reason = "negative" }), "amount");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-5", new { amount = 0m, reason = "zero" }), "amount");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-6", new { amount = 1m, reason = " " }), "reason");
        using var withoutKey = await RefundAsync(payment.Id, owner, null, new { amount = 1m, reason = "no key" });
        await withoutKey.AssertProblemAsync(HttpStatusCode.BadRequest);

        using var line = await RefundAsync(payment.Id, owner, "o-7", new { lineIds = new[] { lineOfB }, reason = "broken mug" });
        Assert.Equal(HttpStatusCode.Accepted, line.StatusCode);
        var refund = await line.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((5.01m, PaymentStack.ShopB), (refund.GetProperty("amount").GetDecimal(), refund.GetProperty("shopId").GetGuid()));
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-8", new { lineIds = new[] { lineOfB }, reason = "twice" }), "lineIds");
        await AssertFieldAsync(await RefundAsync(payment.Id, owner, "o-9", new { amount = 0.01m, reason = "share used up" }), "amount");
        var after = await WaitForStatusAsync(order.OrderId, PaymentStatus.PartiallyRefunded);
        Assert.Equal(5.01m, after.AmountRefunded);
        Assert.Equal(501, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);
    }

    [Fact]
    public async Task The_payer_an_owner_of_another_shop_and_anyone_else_get_404_as_for_a_missing_payment()
    {
        var (order, payment) = await CapturedAsync();
        var (_, otherOwner) = await stack.ShopOwnerAsync(Guid.NewGuid());
        var payer = stack.Tokens.For(order.UserId, [Platform.Security.UserRoles.Customer]);
        var body = new { amount = 1m, reason = "let me" };

        foreach (var token in new[] { payer, otherOwner, stack.Customer().Token })
        {
            using var refused = await RefundAsync(payment.Id, token, $"x-{Guid.NewGuid():N}", body);
            await refused.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using var missing = await RefundAsync(Guid.NewGuid(), stack.Admin, "x-missing", body);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = await RefundAsync(payment.Id, null, "x-anonymous", body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(0, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);
    }

    [Fact]
    public async Task OrderLineCancelled_refunds_its_amount_once_per_event_and_never_more_than_is_left()
    {
        var (order, _) = await CapturedAsync();
        var lineOfA = order.Lines.Single(l => l.ShopId == PaymentStack.ShopA);
        var cancelled = new OrderLineCancelled(order.OrderId, order.UserId, PaymentStack.ShopA, [lineOfA], new Money(19.99m, "EUR"),
            CancelledBy.Customer, "changed my mind", "ada@example.test")
        { OccurredAt = DateTimeOffset.UtcNow };

        await stack.PublishAsync(cancelled, cancelled);

        var refunded = stack.ConsumeEvent<PaymentRefunded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal((new Money(19.99m, "EUR"), "changed my mind"), (refunded.Amount, refunded.Reason));
        await WaitForStatusAsync(order.OrderId, PaymentStatus.PartiallyRefunded);
        Assert.Equal(1999, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);

        // A later event asking for more than is left gets what is left.
        await stack.PublishAsync(new OrderLineCancelled(order.OrderId, order.UserId, PaymentStack.ShopB, [], new Money(10m, "EUR"),
            CancelledBy.Admin, "out of stock")
        { OccurredAt = DateTimeOffset.UtcNow });
        var after = await WaitForStatusAsync(order.OrderId, PaymentStatus.Refunded);
        Assert.Equal(25.00m, after.AmountRefunded);
        Assert.Equal(2500, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);
        Assert.Equal(2, await stack.OutboxCountAsync(nameof(PaymentRefunded), order.OrderId));
        var line = await stack.QueryAsync(db => db.Lines.AsNoTracking().SingleAsync(l => l.LineId == lineOfA.LineId));
        Assert.NotNull(line.RefundId);
    }

    [Fact]
    public async Task A_refund_made_at_the_provider_is_recorded_once_from_its_webhook_beside_ours()
    {
        var (order, payment) = await CapturedAsync();

        var atProvider = await new Stripe.RefundService(stack.Stripe).CreateAsync(new Stripe.RefundCreateOptions
        {
            PaymentIntent = payment.ProviderPaymentIntentId,
            Amount = 700,
        });

        var refunded = stack.ConsumeEvent<PaymentRefunded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal(new Money(7.00m, "EUR"), refunded.Amount);
        var recorded = await stack.QueryAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.PaymentId == payment.Id));
        Assert.Equal((atProvider.Id, "succeeded"), (recorded.ProviderRefundId, recorded.Status));
        await WaitForStatusAsync(order.OrderId, PaymentStatus.PartiallyRefunded);

        // Our own refund makes the provider send charge.refunded too: it is recorded by the worker alone.
        using var ours = await RefundAsync(payment.Id, stack.Admin, "after-dashboard", new { amount = 3.00m, reason = "goodwill" });
        Assert.Equal(HttpStatusCode.Accepted, ours.StatusCode);
        var after = await Eventually.GetAsync(() => stack.QueryAsync(db => db.Payments.AsNoTracking().Include(p => p.Refunds).SingleAsync(p => p.Id == payment.Id)),
            p => p.AmountRefunded == 10.00m, "both refunds recorded", TimeSpan.FromSeconds(30), describe: p => $"{p.AmountRefunded} in {p.Refunds.Count} refund(s)");
        await Task.Delay(1500);
        var refunds = await stack.QueryAsync(db => db.Refunds.AsNoTracking().Where(r => r.PaymentId == payment.Id).ToListAsync());
        Assert.Equal(2, refunds.Count);
        Assert.All(refunds, r => Assert.Equal("succeeded", r.Status));
        Assert.Equal(PaymentStatus.PartiallyRefunded, after.Status);
        Assert.Equal(1000, Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString())).AmountRefunded);
        Assert.Equal(2, await stack.OutboxCountAsync(nameof(PaymentRefunded), order.OrderId));
    }

    // A customer's order of two shops' lines (19.99 of shop A, 5.01 of shop B), charged at the sandbox.
    private async Task<(OrderCreated Order, Data.Payment Payment)> CapturedAsync()
    {
        var (user, token) = stack.Customer();
        var method = (await stack.AddCardAsync(token)).GetProperty("id").GetGuid();
        var order = PaymentStack.Order(user, method, 19.99m, 5.01m);
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        var payment = await stack.SettledAsync(order.OrderId);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        return (order, payment);
    }

    private async Task<HttpResponseMessage> RefundAsync(Guid paymentId, string? token, string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{PaymentStack.Payments}/{paymentId}/refunds") { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await stack.App.Http.SendAsync(request);
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"422 naming {field}: {errors}");
        }
    }

    private Task<Data.Payment> WaitForStatusAsync(Guid orderId, string status) => Eventually.GetAsync(
        () => stack.QueryAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == orderId)),
        p => p.Status == status, $"the payment {status}", TimeSpan.FromSeconds(30), describe: p => $"{p.Status}, {p.AmountRefunded} refunded");
}
