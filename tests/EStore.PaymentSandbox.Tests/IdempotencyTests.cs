using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>Stripe's idempotency rules, which keep payment-service's retries from charging twice.</summary>
public sealed class IdempotencyTests
{
    [Fact]
    public async Task Same_key_and_parameters_replays_the_first_answer_and_charges_once()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        var options = SandboxClient.ChargeOptions(customer.Id, card.Id, "order-1");
        var key = new RequestOptions { IdempotencyKey = "charge-order-1" };

        var first = await sandbox.PaymentIntents.CreateAsync(options, key);
        var again = await sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-1"), key);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.LatestChargeId, again.LatestChargeId);
        Assert.Equal("true", again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(await sandbox.Provider.ChargesAsync());
    }

    [Fact]
    public async Task A_decline_is_replayed_too_so_a_retry_does_not_charge_the_card_again()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync("4000000000009995");
        var key = new RequestOptions { IdempotencyKey = "charge-order-2" };

        var first = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-2"), key));
        var again = await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-2"), key));

        Assert.Equal(first.StripeError.PaymentIntent.Id, again.StripeError.PaymentIntent.Id);
        Assert.Equal("insufficient_funds", again.StripeError.DeclineCode);
        Assert.Single(await sandbox.Provider.ChargesAsync());
    }

    [Fact]
    public async Task Same_key_with_other_parameters_is_an_idempotency_error_and_charges_nothing_more()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        var key = new RequestOptions { IdempotencyKey = "charge-order-3" };
        await sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-3", amount: 1000), key);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-3", amount: 2000), key));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Equal(1000, Assert.Single(await sandbox.Provider.ChargesAsync()).Amount);
    }

    [Fact]
    public async Task A_request_refused_by_validation_is_not_kept_so_its_key_can_be_used_again()
    {
        await using var sandbox = await SandboxClient.StartAsync();
        var (customer, card) = await sandbox.CustomerWithCardAsync(SandboxClient.Visa);
        var key = new RequestOptions { IdempotencyKey = "charge-order-4" };
        await Assert.ThrowsAsync<StripeException>(() => sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-4", amount: 10), key));

        var intent = await sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-4", amount: 1000), key);

        Assert.Equal("succeeded", intent.Status);
    }

    [Fact]
    public async Task A_key_is_kept_24_hours_after_which_the_same_request_charges_again()
    {
        var clock = new MovableClock();
        await using var app = PaymentSandboxApp.Build(["--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_12345678"],
            services => services.AddSingleton<TimeProvider>(clock));
        var stripe = new StripeClient("sk_test_12345678", apiBase: (await PaymentSandboxApp.StartAsync(app)).ToString().TrimEnd('/'));
        var methods = new PaymentMethodService(stripe);
        var intents = new PaymentIntentService(stripe);
        var card = await methods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = SandboxClient.Visa, ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3, Cvc = "123" },
        });
        var customer = await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions());
        await methods.AttachAsync(card.Id, new PaymentMethodAttachOptions { Customer = customer.Id });
        var key = new RequestOptions { IdempotencyKey = "charge-order-6" };

        var first = await intents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-6"), key);
        clock.Shift(TimeSpan.FromHours(23));
        var withinADay = await intents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-6"), key);
        clock.Shift(TimeSpan.FromHours(2));
        var later = await intents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-6"), key);

        Assert.Equal(first.Id, withinADay.Id);
        Assert.NotEqual(first.Id, later.Id);
    }

    [Fact]
    public async Task A_second_request_while_the_first_still_runs_under_the_key_is_a_409_then_the_first_answer_is_replayed()
    {
        await using var sandbox = await SandboxClient.StartAsync(slowDelay: TimeSpan.FromSeconds(2));
        var (customer, card) = await sandbox.CustomerWithCardAsync("4000000000001000");
        var key = new RequestOptions { IdempotencyKey = "charge-order-5" };
        var running = sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-5"), key);
        await Task.Delay(500);

        // Raw HTTP: Stripe.net itself would retry a 409.
        using var http = new HttpClient { BaseAddress = sandbox.Provider.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/payment_intents")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["amount"] = "2599",
                ["currency"] = "eur",
                ["customer"] = customer.Id,
                ["payment_method"] = card.Id,
                ["confirm"] = "true",
                ["off_session"] = "true",
                ["description"] = "EStore order order-5",
                ["metadata[order_id]"] = "order-5",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.Provider.ApiKey);
        request.Headers.Add("Idempotency-Key", "charge-order-5");
        using var concurrent = await http.SendAsync(request);
        var first = await running;
        var replay = await sandbox.PaymentIntents.CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-5"), key);

        Assert.Equal(HttpStatusCode.Conflict, concurrent.StatusCode);
        Assert.Equal("idempotency_error", JsonDocument.Parse(await concurrent.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(first.Id, replay.Id);
        Assert.Single(await sandbox.Provider.ChargesAsync());
    }

    /// <summary>The system clock, moved forward on demand (days pass in a test).</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Shift(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
