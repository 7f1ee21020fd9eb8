using System.Net;
using EStore.Payment.Tests.Infrastructure;

namespace EStore.Payment.Tests;

/// <summary><c>GET /api/payments</c>: the customer's own payments with their attempts; administrators see all, filtered and paged.</summary>
public sealed class PaymentListTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    private const string Prefix = PaymentStack.Payments;

    [Fact]
    public async Task The_customer_sees_their_orders_payment_with_its_attempts_and_nobody_else_does()
    {
        var (owner, order) = await PaidOrderAsync("4242424242424242");
        var (_, stranger) = stack.Customer();

        var mine = await stack.GetAsync($"{Prefix}?orderId={order}", owner);

        var payment = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(order, payment.GetProperty("orderId").GetGuid());
        Assert.Equal(("succeeded", 25.00m, "EUR"), (payment.GetProperty("status").GetString(), payment.GetProperty("amount").GetDecimal(), payment.GetProperty("currency").GetString()));
        var attempt = Assert.Single(payment.GetProperty("attempts").EnumerateArray());
        Assert.Equal((1, "succeeded"), (attempt.GetProperty("number").GetInt32(), attempt.GetProperty("outcome").GetString()));
        Assert.Equal(2, payment.GetProperty("shares").GetArrayLength());
        // Someone else's order lists nothing, exactly like an order that does not exist.
        var theirs = await stack.GetAsync($"{Prefix}?orderId={order}", stranger);
        var unknown = await stack.GetAsync($"{Prefix}?orderId={Guid.NewGuid()}", stranger);
        Assert.Equal(unknown.GetRawText(), theirs.GetRawText());
        Assert.Equal(0, theirs.GetProperty("total").GetInt32());
        var ownerId = payment.GetProperty("userId").GetGuid();
        Assert.Equal(0, (await stack.GetAsync($"{Prefix}?userId={ownerId}", stranger)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_admin_sees_every_customers_payments_filtered_by_status_user_and_order_and_paged()
    {
        var (firstOwner, paid) = await PaidOrderAsync("4242424242424242");
        var (_, declined) = await PaidOrderAsync("4000000000000002");
        var admin = stack.Admin;

        var byOrder = await stack.GetAsync($"{Prefix}?orderId={declined}", admin);
        var failed = Assert.Single(byOrder.GetProperty("items").EnumerateArray());
        Assert.Equal(("failed", "declined"), (failed.GetProperty("status").GetString(), failed.GetProperty("failureReason").GetString()));

        var succeeded = await stack.GetAsync($"{Prefix}?status=succeeded&size=100", admin);
        Assert.Contains(succeeded.GetProperty("items").EnumerateArray(), p => p.GetProperty("orderId").GetGuid() == paid);
        Assert.All(succeeded.GetProperty("items").EnumerateArray(), p => Assert.Equal("succeeded", p.GetProperty("status").GetString()));

        var ownerId = (await stack.GetAsync($"{Prefix}?orderId={paid}", firstOwner)).GetProperty("items")[0].GetProperty("userId").GetGuid();
        var byUser = await stack.GetAsync($"{Prefix}?userId={ownerId}", admin);
        Assert.Equal(paid, Assert.Single(byUser.GetProperty("items").EnumerateArray()).GetProperty("orderId").GetGuid());

        var page = await stack.GetAsync($"{Prefix}?page=1&size=1", admin);
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 2);

        using var badStatus = await stack.SendAsync(HttpMethod.Get, $"{Prefix}?status=lost", null, admin);
        await badStatus.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var badSize = await stack.SendAsync(HttpMethod.Get, $"{Prefix}?size=1000", null, admin);
        await badSize.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    // A customer with a card, an order paid (or declined) with it; returns the customer's token and the order.
    private async Task<(string Token, Guid Order)> PaidOrderAsync(string card)
    {
        var (user, token) = stack.Customer();
        var method = (await stack.AddCardAsync(token, card)).GetProperty("id").GetGuid();
        var order = PaymentStack.Order(user, method);
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        await stack.SettledAsync(order.OrderId);
        return (token, order.OrderId);
    }
}
