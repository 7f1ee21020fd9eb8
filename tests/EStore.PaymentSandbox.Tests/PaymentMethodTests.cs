using System.Net;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>Customers and card payment methods through Stripe.net: what payment-service saves for a user.</summary>
public sealed class PaymentMethodTests
{
    [Fact]
    public async Task Customer_keeps_its_email_and_user_id_metadata_and_reads_back()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var created = await sandbox.Customers.CreateAsync(new CustomerCreateOptions { Email = "ada@estore.example", Metadata = new() { ["user_id"] = "u-42" } });
        var read = await sandbox.Customers.GetAsync(created.Id);

        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        Assert.Equal("ada@estore.example", read.Email);
        Assert.Equal("u-42", read.Metadata["user_id"]);
        Assert.False(read.Livemode);
    }

    [Fact]
    public async Task Tokenised_card_shows_brand_last4_expiry_and_a_fingerprint_equal_for_the_same_number_only()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var first = await sandbox.CardAsync("4242424242424242");
        var again = await sandbox.CardAsync("4242 4242 4242 4242", cvc: "999");
        var other = await sandbox.CardAsync("5555555555554444");

        Assert.StartsWith("pm_", first.Id, StringComparison.Ordinal);
        Assert.Equal(("visa", "4242", 12L, DateTime.UtcNow.Year + 3L), (first.Card.Brand, first.Card.Last4, first.Card.ExpMonth, first.Card.ExpYear));
        Assert.Equal(("mastercard", "4444"), (other.Card.Brand, other.Card.Last4));
        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal(first.Card.Fingerprint, again.Card.Fingerprint);
        Assert.NotEqual(first.Card.Fingerprint, other.Card.Fingerprint);
        Assert.Equal(first.Card.Fingerprint, (await sandbox.PaymentMethods.GetAsync(first.Id)).Card.Fingerprint);
    }

    [Theory]
    [InlineData("4242424242424241", "12", "123", "incorrect_number", "card[number]")]
    [InlineData("42424242", "12", "123", "invalid_number", "card[number]")]
    [InlineData("4242424242424242", "13", "123", "invalid_expiry_month", "card[exp_month]")]
    [InlineData("4242424242424242", "12", "12a", "invalid_cvc", "card[cvc]")]
    public async Task Bad_card_details_are_a_402_card_error_naming_the_field(string number, string month, string cvc, string code, string param)
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = number, ExpMonth = long.Parse(month, System.Globalization.CultureInfo.InvariantCulture), ExpYear = DateTime.UtcNow.Year + 1, Cvc = cvc },
        }));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal(("card_error", code, param), (error.StripeError.Type, error.StripeError.Code, error.StripeError.Param));
    }

    [Fact]
    public async Task Expired_card_is_refused_with_invalid_expiry_year()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = SandboxClient.Visa, ExpMonth = 1, ExpYear = DateTime.UtcNow.Year - 1, Cvc = "123" },
        }));

        Assert.Equal(("card_error", "invalid_expiry_year"), (error.StripeError.Type, error.StripeError.Code));
    }

    [Fact]
    public async Task Attached_card_belongs_to_its_customer_and_once_detached_can_be_neither_charged_nor_attached_again()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        Assert.Equal(customer.Id, (await sandbox.PaymentMethods.GetAsync(card.Id)).CustomerId);

        var detached = await sandbox.PaymentMethods.DetachAsync(card.Id);
        Assert.Null(detached.CustomerId);

        var charge = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "o-1")));
        Assert.Equal(("invalid_request_error", "payment_method"), (charge.StripeError.Type, charge.StripeError.Param));
        var attach = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.PaymentMethods.AttachAsync(card.Id, new PaymentMethodAttachOptions { Customer = customer.Id }));
        Assert.Equal("payment_method_unexpected_state", attach.StripeError.Code);
        Assert.Empty(await sandbox.Provider.ChargesAsync());
    }

    [Fact]
    public async Task Another_customers_card_cannot_be_charged()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (_, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        var (stranger, _) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(stranger.Id, card.Id, "o-2")));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("payment_method", error.StripeError.Param);
        Assert.Empty(await sandbox.Provider.ChargesAsync());
    }

    [Fact]
    public async Task Unknown_payment_method_is_a_404_resource_missing()
    {
        await using var sandbox = await SandboxClient.StartAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentMethods.GetAsync("pm_nothere"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
    }
}
