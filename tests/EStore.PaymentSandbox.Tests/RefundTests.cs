using System.Net;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>Refunds through Stripe.net: partial, full, and never above what is left.</summary>
public sealed class RefundTests
{
    [Fact]
    public async Task Partial_then_remaining_refund_leaves_the_charge_fully_refunded_and_a_third_is_refused()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var intent = await sandbox.ChargeAsync(SandboxClient.Visa, "order-1", amount: 5000);

        var partial = await sandbox.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = intent.Id,
            Amount = 1500,
            Reason = "requested_by_customer",
            Metadata = new() { ["order_line"] = "line-1" },
        }, new RequestOptions { IdempotencyKey = "refund-1" });
        var rest = await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Reason = "requested_by_customer" });
        var third = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 1 }));

        Assert.Equal(("succeeded", 1500L, intent.LatestChargeId, "line-1"), (partial.Status, partial.Amount, partial.ChargeId, partial.Metadata["order_line"]));
        Assert.Equal(3500, rest.Amount);
        Assert.Equal("charge_already_refunded", third.StripeError.Code);
        var charge = Assert.Single(await sandbox.Provider.ChargesAsync());
        Assert.Equal(5000, charge.AmountRefunded);
        Assert.Equal(partial.Id, (await sandbox.Refunds.GetAsync(partial.Id)).Id);
    }

    [Fact]
    public async Task Refunds_are_listed_newest_first_for_their_charge_or_PaymentIntent_only()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var intent = await sandbox.ChargeAsync(SandboxClient.Visa, "order-list", amount: 5000);
        var other = await sandbox.ChargeAsync(SandboxClient.Visa, "order-other", amount: 5000);
        var first = await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 1000 });
        var second = await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 2000 });
        await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = other.Id, Amount = 500 });

        var byCharge = await sandbox.Refunds.ListAsync(new RefundListOptions { Charge = intent.LatestChargeId });
        var byIntent = await sandbox.Refunds.ListAsync(new RefundListOptions { PaymentIntent = intent.Id, Limit = 1 });

        Assert.Equal([second.Id, first.Id], byCharge.Data.Select(r => r.Id));
        Assert.False(byCharge.HasMore);
        Assert.Single(byIntent.Data);
        Assert.True(byIntent.HasMore);
        Assert.All(byCharge.Data, r => Assert.Equal(intent.Id, r.PaymentIntentId));
    }

    [Fact]
    public async Task Refund_above_what_is_left_is_amount_too_large_and_refunds_nothing()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var intent = await sandbox.ChargeAsync(SandboxClient.Visa, "order-2", amount: 5000);
        await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 4000 });

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 1001 }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(("invalid_request_error", "amount_too_large", "amount"), (error.StripeError.Type, error.StripeError.Code, error.StripeError.Param));
        Assert.Equal(4000, Assert.Single(await sandbox.Provider.ChargesAsync()).AmountRefunded);
    }

    [Fact]
    public async Task Same_refund_key_replays_the_refund_instead_of_refunding_twice()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var intent = await sandbox.ChargeAsync(SandboxClient.Visa, "order-3", amount: 5000);
        var key = new RequestOptions { IdempotencyKey = "refund-order-3-line-1" };

        var first = await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 1000 }, key);
        var again = await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 1000 }, key);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1000, Assert.Single(await sandbox.Provider.ChargesAsync()).AmountRefunded);
    }

    [Fact]
    public async Task Declined_payment_has_nothing_to_refund()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var declined = await Assert.ThrowsAsync<StripeException>(() => sandbox.ChargeAsync("4000000000000002", "order-4"));

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = declined.StripeError.PaymentIntent.Id }));

        Assert.Equal(("invalid_request_error", "payment_intent"), (error.StripeError.Type, error.StripeError.Param));
    }
}
