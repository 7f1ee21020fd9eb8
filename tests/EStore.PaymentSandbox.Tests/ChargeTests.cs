using System.Net;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>PaymentIntents through Stripe.net: every test card's outcome, reads, lists and search.</summary>
public sealed class ChargeTests
{
    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("5555555555554444")]
    public async Task Charging_a_good_card_succeeds_with_the_amount_received_and_a_succeeded_charge(string number)
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var intent = await sandbox.ChargeAsync(number, "order-1", amount: 2599);

        Assert.Equal(("succeeded", 2599L, 2599L, "eur"), (intent.Status, intent.Amount, intent.AmountReceived, intent.Currency));
        Assert.StartsWith("ch_", intent.LatestChargeId, StringComparison.Ordinal);
        Assert.Equal("order-1", intent.Metadata["order_id"]);
        var charge = Assert.Single(await sandbox.Provider.ChargesAsync());
        Assert.Equal((intent.LatestChargeId, "succeeded", 2599L, "order-1", "order-order-1"),
            (charge.Id, charge.Status, charge.Amount, charge.OrderId, charge.IdempotencyKey));
    }

    [Theory]
    [InlineData("4000000000000002", "card_declined", "generic_decline")]
    [InlineData("4000000000009995", "card_declined", "insufficient_funds")]
    [InlineData("4000000000000119", "processing_error", null)]
    public async Task Declining_test_card_raises_a_402_card_error_with_the_intent_left_requiring_a_payment_method(string number, string code, string? declineCode)
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.ChargeAsync(number, "order-2"));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal(("card_error", code, declineCode), (error.StripeError.Type, error.StripeError.Code, error.StripeError.DeclineCode));
        var intent = error.StripeError.PaymentIntent;
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal((code, declineCode), (intent.LastPaymentError.Code, intent.LastPaymentError.DeclineCode));
        Assert.Equal(0, intent.AmountReceived);
        // The failed attempt is on record at the provider, and reading the intent again tells the same.
        Assert.Equal("failed", Assert.Single(await sandbox.Provider.ChargesAsync()).Status);
        Assert.Equal("requires_payment_method", (await sandbox.PaymentIntents.GetAsync(intent.Id)).Status);
    }

    [Fact]
    public async Task Late_settling_card_answers_processing_and_succeeds_after_the_settle_delay()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var intent = await sandbox.ChargeAsync("4000000000006975", "order-3");

        Assert.Equal("processing", intent.Status);
        var settled = await Eventually.GetAsync(() => sandbox.PaymentIntents.GetAsync(intent.Id), i => i.Status == "succeeded",
            "the processing intent to settle", TimeSpan.FromSeconds(10), describe: i => i.Status);
        Assert.Equal(intent.Amount, settled.AmountReceived);
        Assert.Equal("succeeded", Assert.Single(await sandbox.Provider.ChargesAsync()).Status);
    }

    [Fact]
    public async Task Slow_card_answers_only_after_the_slow_delay_and_charges_even_when_the_caller_gave_up()
    {
        await using var sandbox = await SandboxClient.StartAsync(slowDelay: TimeSpan.FromSeconds(3));
        var impatient = new PaymentIntentService(SandboxClient.For(sandbox.Provider, sandbox.Provider.ApiKey, timeout: TimeSpan.FromSeconds(1)));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => sandbox.ChargeAsync("4000000000001000", "order-4", 2599, null, impatient));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the caller waited {clock.Elapsed}");

        // The provider took the charge all the same: reconciliation finds it by the order id.
        var found = await Eventually.GetAsync(
            () => sandbox.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order_id']:'order-4'" }),
            r => r.Data.Count == 1 && r.Data[0].Status == "succeeded", "the slow charge to complete", TimeSpan.FromSeconds(10),
            describe: r => string.Join(", ", r.Data.Select(i => i.Status)));
        Assert.Equal(2599, found.Data[0].AmountReceived);
        Assert.Single(await sandbox.Provider.ChargesForOrderAsync("order-4"));
    }

    [Fact]
    public async Task Search_by_order_id_metadata_finds_that_orders_intent_only()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var wanted = await sandbox.ChargeAsync(SandboxClient.Visa, "order-5");
        await sandbox.ChargeAsync(SandboxClient.Visa, "order-6");

        var result = await sandbox.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order_id']:'order-5'" });
        var none = await sandbox.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order_id']:'order-7'" });
        var both = await sandbox.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "status:'succeeded' AND amount>=2599" });

        Assert.Equal(wanted.Id, Assert.Single(result.Data).Id);
        Assert.Equal("search_result", result.Object);
        Assert.Empty(none.Data);
        Assert.Equal(2, both.Data.Count);
    }

    [Fact]
    public async Task Search_with_a_query_it_cannot_read_is_an_invalid_request_naming_the_query()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "order_id = 5" }));

        Assert.Equal(("invalid_request_error", "query"), (error.StripeError.Type, error.StripeError.Param));
    }

    [Fact]
    public async Task List_pages_newest_first_with_has_more()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var first = await sandbox.ChargeAsync(SandboxClient.Visa, "order-8");
        var second = await sandbox.ChargeAsync(SandboxClient.Visa, "order-9");
        var third = await sandbox.ChargeAsync(SandboxClient.Visa, "order-10");

        var page = await sandbox.PaymentIntents.ListAsync(new PaymentIntentListOptions { Limit = 2 });
        var rest = await sandbox.PaymentIntents.ListAsync(new PaymentIntentListOptions { Limit = 2, StartingAfter = page.Data[^1].Id });

        Assert.Equal([third.Id, second.Id], page.Data.Select(i => i.Id));
        Assert.True(page.HasMore);
        Assert.Equal([first.Id], rest.Data.Select(i => i.Id));
        Assert.False(rest.HasMore);
    }

    [Theory]
    [InlineData(0, "amount_too_small")]
    [InlineData(100_000_000, "amount_too_large")]
    public async Task Amount_outside_what_Stripe_accepts_is_refused_without_a_charge(long amount, string code)
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.ChargeAsync(SandboxClient.Visa, "order-11", amount));

        Assert.Equal(("invalid_request_error", code, "amount"), (error.StripeError.Type, error.StripeError.Code, error.StripeError.Param));
        Assert.Empty(await sandbox.Provider.ChargesAsync());
    }

    [Fact]
    public async Task Unknown_parameter_is_refused_as_Stripe_does()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        var options = SandboxClient.ChargeOptions(customer.Id, card.Id, "order-12");
        options.AddExtraParam("amount_in_euros", "25.99");

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentIntents.CreateAsync(options));

        Assert.Equal(("parameter_unknown", "amount_in_euros"), (error.StripeError.Code, error.StripeError.Param));
    }
}
